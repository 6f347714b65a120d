//! Segments and trends: NPS and CSAT per channel, a ranking, and a monthly
//! trend that says whether each change is real or noise.
//!
//! Run with `cargo run --example segments`. The answers are generated in
//! the program (a fixed pseudo-random sequence), so every run prints the
//! same report.

use cxmetrics::segment::Score;
use cxmetrics::{ConfidenceLevel, Scale, Segmented};

/// A small deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    /// An NPS answer whose promoter and detractor chances are given in %.
    fn nps_answer(&mut self, promoters: u64, detractors: u64) -> u8 {
        let r = self.below(100);
        if r < promoters {
            9 + self.below(2) as u8
        } else if r < promoters + detractors {
            self.below(7) as u8
        } else {
            7 + self.below(2) as u8
        }
    }
}

fn main() -> Result<(), cxmetrics::Error> {
    let mut rng = Lcg(7);
    let channels = ["app", "chat", "email", "phone", "store"];
    // Six months; chat improves from month 4, phone is small.
    let mut by_channel: Segmented<&str> = Segmented::new(Scale::NPS);
    let mut by_month: Segmented<(u16, u8)> = Segmented::new(Scale::NPS);
    for month in 1..=6u8 {
        for (c, &channel) in channels.iter().enumerate() {
            let n = if channel == "phone" {
                12
            } else {
                150 + 40 * c as u64
            };
            let (p, d) = match channel {
                "chat" if month >= 4 => (55, 15),
                "chat" => (40, 25),
                "email" => (30, 35),
                _ => (45, 20),
            };
            let scores: Vec<u8> = (0..n).map(|_| rng.nps_answer(p, d)).collect();
            by_channel.extend_scores(&vec![channel; scores.len()], &scores)?;
            by_month.extend_scores(&vec![(2026, month); scores.len()], &scores)?;
        }
    }

    let level = ConfidenceLevel::P95;
    let min_n = 30;
    println!("NPS by channel (95% CI, adjusted Wald; segments under {min_n} answers are flagged)");
    for row in by_channel.ranking(Score::nps(), level, min_n) {
        match row.estimate {
            Ok(est) => println!("  {:<6} {est}", row.key),
            Err(why) => println!("  {:<6} not scored: {why}", row.key),
        }
    }
    println!("  total  n = {}", by_channel.total()?.n());

    println!("\nNPS by month: did it really move?");
    for point in by_month.trend(Score::nps(), level) {
        let (year, month) = point.key;
        let value = point
            .estimate
            .map(|e| format!("{e}"))
            .unwrap_or_else(|e| e.to_string());
        print!("  {year}-{month:02}  {value}");
        match point.change {
            Some(Ok(change)) => println!("   change {change}"),
            Some(Err(why)) => println!("   change not tested: {why}"),
            None => println!(),
        }
    }
    Ok(())
}
