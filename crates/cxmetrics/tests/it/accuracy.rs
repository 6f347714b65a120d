//! Numerical accuracy at volume: weight sums over 10^8 weighted answers
//! against an exact integer computation.

use cxmetrics::{Mean, Scale, Tally};

#[test]
fn weight_sums_over_a_hundred_million_answers_are_exact_to_1e_12() {
    const CHUNK: usize = 1_000_000;
    const CHUNKS: usize = 100;
    // Weights k/1000 (not exactly representable in binary), k in 0..=2000.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut exact_k = [0u64; 11];
    let mut exact_k2 = [0u64; 11];
    let mut exact_kx = 0u128;
    let mut tally = Tally::new(Scale::NPS);
    let mut scores = vec![0u8; CHUNK];
    let mut weights = vec![0.0f64; CHUNK];
    for _ in 0..CHUNKS {
        for (s, w) in scores.iter_mut().zip(weights.iter_mut()) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let score = ((state >> 33) % 11) as u8;
            let k = (state >> 45) % 2001;
            *s = score;
            *w = k as f64 / 1000.0;
            exact_k[usize::from(score)] += k;
            exact_k2[usize::from(score)] += k * k;
            exact_kx += u128::from(k) * u128::from(score);
        }
        tally.extend_weighted_scores(&scores, &weights).unwrap();
    }
    assert_eq!(tally.n(), (CHUNK * CHUNKS) as u64);
    let rel = |got: f64, want: f64| ((got - want) / want).abs();
    for point in 0..=10 {
        let i = point as usize;
        let want = exact_k[i] as f64 / 1000.0;
        let got = tally.weight(point).unwrap();
        assert!(rel(got, want) < 1e-13, "point {point}: {got} vs {want}");
    }
    let total_k: u64 = exact_k.iter().sum();
    assert!(rel(tally.total_weight().unwrap(), total_k as f64 / 1000.0) < 1e-13);
    let total_k2: u64 = exact_k2.iter().sum();
    assert!(rel(tally.total_weight_squared().unwrap(), total_k2 as f64 / 1e6) < 1e-13);
    let mean = Mean::from_tally(&tally).unwrap().mean();
    let exact_mean = exact_kx as f64 / total_k as f64;
    assert!(rel(mean, exact_mean) < 1e-12, "{mean} vs {exact_mean}");
}
