//! A live feedback service: writer threads ingest weighted, paired answers
//! (CES, CSAT and NPS of each customer) by channel; every simulated day the
//! main thread takes the finished day at one instant, rolls it into 7-day
//! windows and prints NPS, CSAT and CES with intervals per channel. At the
//! end: how effort relates to satisfaction, and what drives NPS.
//!
//! Run with `cargo run --example live`.

use std::sync::Barrier;
use std::thread;

use cxmetrics::association::{self, CrossTab};
use cxmetrics::drivers::DriverMoments;
use cxmetrics::{
    ConfidenceLevel, Error, JointTally, Mean, Nps, Response, Scale, Sharded, Tally, TopBox, Weight,
    Window,
};

const CHANNELS: [&str; 3] = ["web", "app", "phone"];
const WRITERS: usize = 4;
const DAYS: i64 = 14;
const PER_WRITER_PER_DAY: usize = 1_500;

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

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }
}

/// One customer's answers: effort (CES 1–7, 7 = easy), satisfaction
/// (CSAT 1–5), recommendation (NPS 0–10), and a survey weight. Some skip
/// the CSAT question ("not applicable").
struct Answer {
    channel: usize,
    ces: i32,
    csat: Option<i32>,
    nps: i32,
    weight: f64,
}

fn simulate(rng: &mut Rng, day: i64) -> Answer {
    let channel = (rng.next() % 3) as usize;
    // The phone channel gets harder over the fortnight; the app improves.
    let drift = match channel {
        0 => 0.0,
        1 => 0.04 * day as f64,
        _ => -0.05 * day as f64,
    };
    let mood = rng.normal() + drift;
    let clamp = |v: f64, lo: i32, hi: i32| (v.round() as i32).clamp(lo, hi);
    let ces = clamp(4.8 + 1.3 * mood + 0.9 * rng.normal(), 1, 7);
    let csat = clamp(
        3.4 + 0.8 * mood + 0.25 * f64::from(ces - 4) + 0.6 * rng.normal(),
        1,
        5,
    );
    let nps = clamp(
        7.0 + 1.6 * mood + 0.5 * f64::from(csat - 3) + 1.2 * rng.normal(),
        0,
        10,
    );
    Answer {
        channel,
        ces,
        csat: (!rng.next().is_multiple_of(20)).then_some(csat),
        nps,
        // Under-represented customers weigh more.
        weight: [1.0, 0.7, 1.8][channel] * (0.75 + 0.5 * rng.uniform()),
    }
}

/// What writers feed, per channel: NPS answers, and CES paired with CSAT.
struct Live {
    nps: Sharded<&'static str, Tally>,
    ces_csat: Sharded<&'static str, JointTally>,
    drivers: Sharded<(), DriverMoments>,
}

fn ingest(live: &Live, answers: &[Answer]) -> Result<(), Error> {
    // Each writer builds its batch without a lock, then merges it whole.
    let mut nps: Vec<Tally> = CHANNELS.iter().map(|_| Tally::new(Scale::NPS)).collect();
    let mut pairs: Vec<JointTally> = CHANNELS
        .iter()
        .map(|_| JointTally::new(Scale::CES_7, Scale::CSAT_5))
        .collect();
    let mut drivers = DriverMoments::new(&[Scale::CES_7, Scale::CSAT_5], Scale::NPS)?;
    for a in answers {
        let w = Weight::new(a.weight)?;
        nps[a.channel].push_weighted(Scale::NPS.rating(a.nps)?, w)?;
        let ces = Response::weighted(Scale::CES_7.rating(a.ces)?, w);
        let csat = match a.csat {
            Some(v) => Response::weighted(Scale::CSAT_5.rating(v)?, w),
            None => Response::NotApplicable,
        };
        pairs[a.channel].push_responses(ces, csat)?;
        drivers.push_responses(
            &[ces, csat],
            Response::weighted(Scale::NPS.rating(a.nps)?, w),
        )?;
    }
    live.nps.merge_batch(CHANNELS.into_iter().zip(nps))?;
    live.ces_csat.merge_batch(CHANNELS.into_iter().zip(pairs))?;
    live.drivers.merge_batch([((), drivers)])
}

fn main() -> Result<(), Error> {
    let live = Live {
        nps: Sharded::new(Tally::new(Scale::NPS), WRITERS),
        ces_csat: Sharded::new(JointTally::new(Scale::CES_7, Scale::CSAT_5), WRITERS),
        drivers: Sharded::new(
            DriverMoments::new(&[Scale::CES_7, Scale::CSAT_5], Scale::NPS)?,
            WRITERS,
        ),
    };
    // Day boundaries: writers finish a day, main takes it, writers go on.
    let day_done = Barrier::new(WRITERS + 1);
    let day_taken = Barrier::new(WRITERS + 1);
    let level = ConfidenceLevel::P95;

    let mut nps_week: Vec<Window<Tally>> = CHANNELS
        .iter()
        .map(|_| Window::new(Tally::new(Scale::NPS), 7))
        .collect::<Result<_, _>>()?;
    let mut pair_week: Vec<Window<JointTally>> = CHANNELS
        .iter()
        .map(|_| Window::new(JointTally::new(Scale::CES_7, Scale::CSAT_5), 7))
        .collect::<Result<_, _>>()?;
    let mut all_pairs = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    let mut all_drivers = DriverMoments::new(&[Scale::CES_7, Scale::CSAT_5], Scale::NPS)?;

    thread::scope(|s| -> Result<(), Error> {
        for writer in 0..WRITERS {
            let (live, day_done, day_taken) = (&live, &day_done, &day_taken);
            s.spawn(move || {
                let mut rng = Rng(writer as u64 + 1);
                for day in 0..DAYS {
                    let answers: Vec<Answer> = (0..PER_WRITER_PER_DAY)
                        .map(|_| simulate(&mut rng, day))
                        .collect();
                    // Every answer was built on its scale: this cannot fail.
                    if let Err(e) = ingest(live, &answers) {
                        eprintln!("writer {writer}: {e}");
                    }
                    day_done.wait();
                    day_taken.wait();
                }
            });
        }
        println!("rolling 7 days, weighted; NPS in points, CSAT top-2 in %, CES mean on 1-7");
        for day in 0..DAYS {
            day_done.wait();
            // The finished day, taken whole at one instant.
            let nps_day = live.nps.take()?;
            let pairs_day = live.ces_csat.take()?;
            let drivers_day = live.drivers.take()?;
            day_taken.wait();
            for (c, channel) in CHANNELS.iter().enumerate() {
                if let Some(t) = nps_day.get(channel) {
                    nps_week[c].merge_into(day, t)?;
                }
                if let Some(j) = pairs_day.get(channel) {
                    pair_week[c].merge_into(day, j)?;
                    all_pairs.merge(j)?;
                }
                let nps = nps_week[c].total()?;
                let pairs = pair_week[c].total()?;
                let nps = Nps::from_tally(&nps)?.estimate(level)?;
                let csat = TopBox::top(&pairs.y_tally()?, 2)?.estimate(level)?;
                let ces = Mean::from_tally(&pairs.x_tally()?)?.estimate(level)?;
                println!("day {day:>2} {channel:<5}  NPS {nps}  CSAT {csat}  CES {ces:.2}");
            }
            if let Some(m) = drivers_day.get(&()) {
                all_drivers.merge(m)?;
            }
        }
        Ok(())
    })?;

    println!(
        "\nCES (1-7, 7 = easy) and CSAT (1-5), all channels, {} pairs:",
        all_pairs.n()
    );
    type Measure = fn(&JointTally, ConfidenceLevel) -> Result<association::Association, Error>;
    let measures: [Measure; 5] = [
        association::pearson,
        association::weighted_pearson,
        association::spearman,
        association::kendall_tau_b,
        association::gamma,
    ];
    for m in measures {
        let a = m(&all_pairs, level)?;
        match a.test {
            Some(t) => println!("  {a:.3}, p = {:.2e}", t.p_value),
            None => println!("  {a:.3}"),
        }
    }
    let tab = CrossTab::new(&all_pairs);
    for ces in [1, 4, 7] {
        let shares: Vec<String> = (1..=5)
            .map(|csat| {
                format!(
                    "{:>5.1}%",
                    100.0 * tab.weighted_row_share(ces, csat).unwrap_or(0.0)
                )
            })
            .collect();
        println!("  CES {ces}: CSAT 1..5 {}", shares.join(" "));
    }

    let analysis = all_drivers.analyze(level)?;
    println!(
        "\nkey drivers of NPS (R² = {:.3}, n = {}, {} left out for a skipped question):",
        analysis.r_squared,
        analysis.n,
        all_drivers.incomplete()
    );
    let names = ["CES", "CSAT"];
    for d in analysis.ranked() {
        let ci = d
            .correlation_interval
            .map(|i| format!(" ({:.3} to {:.3})", i.lower, i.upper))
            .unwrap_or_default();
        println!(
            "  {:<5} relative weight {:.3} ({:.0}% of R²), beta {:.3}, r {:.3}{ci}",
            names[d.index],
            d.relative_weight,
            100.0 * d.share_of_r_squared,
            d.beta,
            d.correlation
        );
    }
    Ok(())
}
