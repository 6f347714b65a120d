//! A daily NPS dashboard that is looked at every day.
//!
//! Answers stream into an `AtomicTally`; at the end of each day the day's
//! tally is taken, added to the running total and to a 7-day window, and
//! the dashboard prints, side by side:
//!
//! - the fixed-n 95% confidence interval of the running NPS (valid only for
//!   one look decided in advance: looked at daily it misleads);
//! - the anytime-valid 95% confidence sequence (valid at every look), and
//!   its running intersection;
//! - a CUSUM chart of the daily NPS against the first two weeks' level,
//!   with limits for one false alarm a year (ARL₀ = 365 days);
//! - the always-valid comparison of the last 7 days with the first 14.
//!
//! On day 40 the NPS drops by 8 points; the chart says when and which way.
//! The confidence sequence assumes a stable score: after the drop its
//! running intersection contradicts itself, which is itself a signal.
//!
//! Run with `cargo run --release --example live_monitoring`.

use std::time::Instant;

use cxmetrics::monitor::{self, Baseline, ChangeMonitor, Chart, ChartScore, CusumDesign};
use cxmetrics::sequential::{AlwaysValidTracker, RunningIntersection, SequenceSpec};
use cxmetrics::{AtomicTally, ConfidenceLevel, Error, Scale, Tally, Window};

const DAYS: i64 = 60;
const SHIFT_DAY: i64 = 40;
const PER_DAY: usize = 20_000;

/// SplitMix64: deterministic, dependency-free pseudo-random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// One 0–10 answer: 45% promoters, 30% passives, 25% detractors (NPS 20);
/// from the shift on, 41/30/29 (NPS 12).
fn answer(rng: &mut Rng, shifted: bool) -> u8 {
    let x = rng.next() % 100;
    let (promoters, passives) = if shifted { (41, 30) } else { (45, 30) };
    let detractor_points = [0u8, 1, 2, 3, 4, 5, 6];
    if x < promoters {
        9 + (rng.next() % 2) as u8
    } else if x < promoters + passives {
        7 + (rng.next() % 2) as u8
    } else {
        detractor_points[(rng.next() % 7) as usize]
    }
}

fn main() -> Result<(), Error> {
    let spec = SequenceSpec::new(ConfidenceLevel::P95, 500_000.0)?;
    let live = AtomicTally::new(Scale::NPS);
    let mut total = Tally::new(Scale::NPS);
    let mut week = Window::new(Tally::new(Scale::NPS), 7)?;
    let mut history = Tally::new(Scale::NPS);
    let mut running = RunningIntersection::new();
    let mut change = AlwaysValidTracker::new();
    let mut chart: Option<ChangeMonitor> = None;
    let mut rng = Rng(2026);
    let mut scores = Vec::with_capacity(PER_DAY);
    let started = Instant::now();
    let mut answers = 0usize;

    println!(
        "{:>3} {:>7}  {:<44} {:<30} {:>9}  alert",
        "day", "n", "running NPS, fixed-n 95% CI", "95% confidence sequence (∩)", "CUSUM"
    );
    for day in 0..DAYS {
        scores.clear();
        scores.extend((0..PER_DAY).map(|_| answer(&mut rng, day >= SHIFT_DAY)));
        live.extend_scores(&scores)?;
        answers += scores.len();

        // End of day: take the day's answers at one instant.
        let today = live.take()?;
        total.merge(&today)?;
        week.get_mut(day)?.merge(&today)?;
        if day < 14 {
            history.merge(&today)?;
        }

        let now = monitor::nps(&total, &spec)?;
        let nested = running.update(&now.sequence);

        // The chart starts once two weeks of history give its baseline.
        let mut cusum = String::from("-");
        let mut alert = String::new();
        if day == 13 {
            let baseline = Baseline::from_tally(ChartScore::Nps, &history)?;
            let design = CusumDesign::for_arl0(365.0, 0.5)?;
            chart = Some(ChangeMonitor::new(
                ChartScore::Nps,
                baseline,
                Chart::Cusum(design),
            )?);
        } else if let Some(m) = chart.as_mut() {
            let point = m.observe(day, &today)?;
            cusum = format!("{:.1}/{:.1}", point.upper, point.lower);
            if let Some(a) = point.alert {
                // Act on it, then re-baseline: stop this chart.
                alert = a.to_string();
                chart = None;
            }
        }
        if running.contradicted() && alert.is_empty() {
            alert = "∩ contradicted: the score is not stable".into();
        }
        println!(
            "{day:>3} {:>7}  {:<44} {:<30} {cusum:>9}  {alert}",
            total.n(),
            format!(
                "{:.2} ({:.2} to {:.2})",
                now.fixed.value, now.fixed.interval.lower, now.fixed.interval.upper
            ),
            format!(
                "{:.2} to {:.2} ({:.2} to {:.2})",
                now.sequence.interval.lower,
                now.sequence.interval.upper,
                nested.lower,
                nested.upper
            ),
        );
    }

    let last7 = week.total()?;
    let look = monitor::compare_nps(&last7, &history, &spec)?;
    let tracked = change.update(&look);
    println!("\nlast 7 days vs the first 14: {tracked}");
    println!(
        "exact (union-bound) sequence for the change: {:.2} to {:.2} points",
        tracked.exact_interval.lower, tracked.exact_interval.upper
    );
    let latest = monitor::nps(&total, &spec)?;
    println!("running NPS: {latest}");
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "\n{answers} answers ingested and scored in {elapsed:.3} s ({:.1} million answers per second)",
        answers as f64 / elapsed / 1e6
    );
    Ok(())
}
