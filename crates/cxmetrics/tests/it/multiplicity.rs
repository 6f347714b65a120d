//! Multiplicity and shrinkage by simulation, with a small seeded RNG.

use cxmetrics::multiplicity::{self, Adjustment};
use cxmetrics::{ConfidenceLevel, Nps, compare, shrinkage};

/// SplitMix64: a tiny, fast, seeded generator (Steele, Lea & Flood 2014).
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Exact draws of (promoters, detractors) from a multinomial of n answers,
/// by inverting the joint distribution function (tabulated once).
struct Multinomial {
    cumulative: Vec<f64>,
    cells: Vec<(u64, u64)>,
}

impl Multinomial {
    fn new(n: u64, p: f64, d: f64) -> Multinomial {
        let ln_fact: Vec<f64> = (0..=n)
            .scan(0.0, |acc, k| {
                if k > 0 {
                    *acc += (k as f64).ln();
                }
                Some(*acc)
            })
            .collect();
        let a = 1.0 - p - d;
        let (mut cumulative, mut cells, mut total) = (Vec::new(), Vec::new(), 0.0);
        for pr in 0..=n {
            for de in 0..=(n - pr) {
                let pa = n - pr - de;
                let ln = ln_fact[n as usize]
                    - ln_fact[pr as usize]
                    - ln_fact[de as usize]
                    - ln_fact[pa as usize]
                    + pr as f64 * p.ln()
                    + de as f64 * d.ln()
                    + pa as f64 * a.ln();
                total += ln.exp();
                cumulative.push(total);
                cells.push((pr, de));
            }
        }
        Multinomial { cumulative, cells }
    }

    fn draw(&self, rng: &mut Rng) -> (u64, u64) {
        let u = rng.uniform() * self.cumulative[self.cumulative.len() - 1];
        let i = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.cells.len() - 1);
        self.cells[i]
    }
}

#[test]
fn holm_keeps_the_family_wise_false_alarm_rate_of_a_null_trend() {
    // 20,000 years of 12 monthly periods of n = 300 with no true change;
    // each year tests the 11 month-over-month changes (adjusted Wald test).
    const YEARS: usize = 20_000;
    let n = 300;
    let draws = Multinomial::new(n, 0.45, 0.20);
    let mut rng = Rng(0x5EED_2026);
    let (mut raw_alarms, mut holm_alarms, mut bh_alarms) = (0, 0, 0);
    for _ in 0..YEARS {
        let months: Vec<Nps> = (0..12)
            .map(|_| {
                let (p, d) = draws.draw(&mut rng);
                Nps::from_counts(p, n - p - d, d).unwrap()
            })
            .collect();
        let p: Vec<f64> = months
            .windows(2)
            .map(|w| {
                compare::nps(&w[1], &w[0], ConfidenceLevel::P95)
                    .unwrap()
                    .p_value
            })
            .collect();
        raw_alarms += usize::from(p.iter().any(|&p| p < 0.05));
        let holm = multiplicity::adjust(&p, Adjustment::Holm).unwrap();
        holm_alarms += usize::from(holm.iter().any(|&p| p < 0.05));
        let bh = multiplicity::adjust(&p, Adjustment::BenjaminiHochberg).unwrap();
        bh_alarms += usize::from(bh.iter().any(|&p| p < 0.05));
    }
    let rate = |k: usize| k as f64 / YEARS as f64;
    println!(
        "null trend, years with an alarm: unadjusted {}, Holm {}, BH {}",
        rate(raw_alarms),
        rate(holm_alarms),
        rate(bh_alarms)
    );
    assert!(rate(raw_alarms) > 0.30, "unadjusted: {}", rate(raw_alarms));
    assert!(rate(holm_alarms) <= 0.055, "Holm: {}", rate(holm_alarms));
    // Under the global null BH controls the family-wise rate too.
    assert!(rate(bh_alarms) <= 0.055, "BH: {}", rate(bh_alarms));
    assert!(
        rate(holm_alarms) > 0.03,
        "Holm should not be far below α: {}",
        rate(holm_alarms)
    );
}

#[test]
fn shrinkage_tames_the_top_of_a_ranking_of_equal_segments() {
    // 30 segments of n = 40, all truly at NPS 20 (40% promoters, 20%
    // detractors): the top raw NPS averages about 44 (the maximum of 30
    // draws, about two standard errors above 20), the top shrunken one about
    // 22.
    const REPS: usize = 400;
    let draws = Multinomial::new(40, 0.40, 0.20);
    let mut rng = Rng(42);
    let (mut top_raw, mut top_shrunk) = (0.0, 0.0);
    for _ in 0..REPS {
        let segments: Vec<Nps> = (0..30)
            .map(|_| {
                let (p, d) = draws.draw(&mut rng);
                Nps::from_counts(p, 40 - p - d, d).unwrap()
            })
            .collect();
        let s = shrinkage::nps(&segments).unwrap();
        top_raw += s.estimates.iter().map(|e| e.raw).fold(f64::MIN, f64::max);
        top_shrunk += s
            .estimates
            .iter()
            .map(|e| e.estimate)
            .fold(f64::MIN, f64::max);
    }
    let (raw, shrunk) = (top_raw / REPS as f64, top_shrunk / REPS as f64);
    println!("top of 30 equal segments: raw {raw}, shrunken {shrunk}");
    assert!(raw > 40.0, "top raw {raw}");
    assert!(shrunk < 27.0 && shrunk > 19.0, "top shrunken {shrunk}");
}

#[test]
fn shrinkage_by_hand_and_errors() {
    // Equal variances 1, estimates 0 and 4: τ² = 7, B = 7/8.
    let s = shrinkage::normal(&[0.0, 4.0], &[1.0, 1.0]).unwrap();
    assert!((s.prior_mean - 2.0).abs() < 1e-12);
    assert!((s.estimates[1].estimate - 3.75).abs() < 1e-12);
    assert!((s.estimates[1].std_error - (7.0f64 / 8.0).sqrt()).abs() < 1e-12);
    // Unequal variances: μ weights by 1/(s² + τ²).
    let (y, v) = ([10.0, 20.0, 60.0], [4.0, 9.0, 1.0]);
    let s = shrinkage::normal(&y, &v).unwrap();
    let w = [0.25, 1.0 / 9.0, 1.0];
    let sw: f64 = w.iter().sum();
    let fixed = (10.0 * w[0] + 20.0 * w[1] + 60.0 * w[2]) / sw;
    let q: f64 = y.iter().zip(&w).map(|(y, w)| w * (y - fixed).powi(2)).sum();
    let tau2 = (q - 2.0) / (sw - w.iter().map(|x| x * x).sum::<f64>() / sw);
    assert!((s.prior_variance - tau2).abs() < 1e-9 * tau2);
    let ws: Vec<f64> = v.iter().map(|v| 1.0 / (v + tau2)).collect();
    let mu = y.iter().zip(&ws).map(|(y, w)| y * w).sum::<f64>() / ws.iter().sum::<f64>();
    assert!((s.prior_mean - mu).abs() < 1e-9 * mu);
    assert!(shrinkage::normal(&[1.0], &[1.0]).is_err());
    assert!(shrinkage::normal(&[1.0, 2.0], &[1.0]).is_err());
    assert!(shrinkage::normal(&[1.0, 2.0], &[1.0, 0.0]).is_err());
    assert!(shrinkage::normal(&[1.0, f64::NAN], &[1.0, 1.0]).is_err());
}
