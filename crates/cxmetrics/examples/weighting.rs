//! Weighting a survey where unhappy customers answer less.
//!
//! A customer base of 20,000 is spread over three channels and two
//! regions. Detractors answer the survey far less often than others, and
//! phone customers (the least happy) least of all, so the raw sample
//! flatters the company. We rake the sample to the known channel and
//! region totals and print NPS and CSAT three ways:
//!
//! - unweighted (every answer counts once);
//! - weighted with the raked weights but Kish's effective-n standard
//!   error, which treats the weights as fixed and unrelated to the answers;
//! - raked with the design-based (linearized) standard error, as R's
//!   `survey` package computes it (`rake` + `svymean`),
//!
//! each with its design effects.
//!
//! A second part describes a stratified, clustered sample (customers
//! sampled within stores, stores within regions) as a
//! [`SurveyDesign`](cxmetrics::complex::SurveyDesign) and compares each
//! channel month over month design-based: the two months are two domains
//! of one design (R's `svyby` + `svycontrast`), with the design's degrees
//! of freedom (stores − regions).
//!
//! Run with `cargo run --example weighting`. The data come from a fixed
//! pseudo-random sequence, so every run prints the same report.

use cxmetrics::design::{RakeOptions, VarianceMethod, rake};
use cxmetrics::interval::{IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::segment::Score;
use cxmetrics::{ConfidenceLevel, Estimate, Response, Scale, Segmented, Tally, Weight};

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
}

const CHANNELS: [(&str, f64); 3] = [("web", 10_000.0), ("phone", 6_000.0), ("store", 4_000.0)];
const REGIONS: [(&str, f64); 2] = [("north", 8_000.0), ("south", 12_000.0)];

fn main() -> Result<(), cxmetrics::Error> {
    let mut rng = Lcg(2026);
    // (channel, region, NPS answer, CSAT answer) of everyone who answered.
    let mut sample = Vec::new();
    // The whole base's answers, to show what the survey should find.
    let mut everyone_nps = Tally::new(Scale::NPS);
    let mut everyone_csat = Tally::new(Scale::CSAT_5);
    for (c, &(channel, size)) in CHANNELS.iter().enumerate() {
        for _ in 0..size as u64 {
            let region = if rng.below(100) < 40 {
                "north"
            } else {
                "south"
            };
            // Phone customers are the least happy; the south a little less.
            let detractor_pct = [20, 45, 25][c] + if region == "south" { 5 } else { 0 };
            let r = rng.below(100);
            let nps: u8 = if r < detractor_pct {
                rng.below(7) as u8
            } else if r < detractor_pct + 30 {
                7 + rng.below(2) as u8
            } else {
                9 + rng.below(2) as u8
            };
            let csat: u8 = match nps {
                9 | 10 => 4 + rng.below(2) as u8,
                7 | 8 => 3 + rng.below(2) as u8,
                _ => 1 + rng.below(3) as u8,
            };
            everyone_nps.push_score(nps)?;
            everyone_csat.push_score(csat)?;
            // Who answers: detractors rarely, phone customers less.
            let respond_pct =
                if nps <= 6 { 4 } else { 12 } / if channel == "phone" { 2 } else { 1 };
            if rng.below(100) < respond_pct {
                sample.push((channel, region, nps, csat));
            }
        }
    }
    println!(
        "{} answers from 20,000 customers; the whole base has NPS {:.1} and CSAT top-2 {:.1}%\n",
        sample.len(),
        cxmetrics::Nps::from_tally(&everyone_nps)?.score(),
        cxmetrics::TopBox::top(&everyone_csat, 2)?.percent(),
    );

    // One tally per (channel, region) cell, for each question.
    let mut nps_cells: Segmented<(&str, &str)> = Segmented::new(Scale::NPS);
    let mut csat_cells: Segmented<(&str, &str)> = Segmented::new(Scale::CSAT_5);
    for &(channel, region, nps, csat) in &sample {
        nps_cells.push((channel, region), Scale::NPS.rating(nps)?.into())?;
        csat_cells.push((channel, region), Scale::CSAT_5.rating(csat)?.into())?;
    }
    let margins = [&CHANNELS[..], &REGIONS[..]];
    let raked_nps = rake(&nps_cells, &margins, RakeOptions::default())?;
    let raked_csat = rake(&csat_cells, &margins, RakeOptions::default())?;
    println!(
        "raked in {} sweeps; raked weight per answer, by cell:",
        raked_nps.sweeps()
    );
    for (cell, total) in raked_nps.totals() {
        let n = nps_cells.get(cell).map_or(0, |t| t.n());
        println!(
            "  {:>5} {:<5}  {:>4} answers  weight {:>6.1}",
            cell.0,
            cell.1,
            n,
            total / n as f64
        );
    }

    // The same answers with the raked weights, for the Kish comparison.
    let weighted = |cells: &Segmented<(&str, &str)>,
                    raked: &cxmetrics::design::Raked<(&str, &str)>| {
        let mut t = Tally::new(cells.scale());
        for (cell, tally) in cells.iter() {
            let w = raked.total(cell).unwrap_or(0.0) / tally.n() as f64;
            for (i, &count) in tally.counts().iter().enumerate() {
                let rating = cells.scale().rating(cells.scale().lowest() + i as i32)?;
                for _ in 0..count {
                    t.push(Response::weighted(rating, Weight::new(w)?))?;
                }
            }
        }
        Ok::<Tally, cxmetrics::Error>(t)
    };
    let level = ConfidenceLevel::P95;
    let kish = IntervalSpec::new(level).variance(VarianceMethod::Kish);
    let rows = [
        ("NPS", Score::Nps(NpsMethod::Wald), &nps_cells, &raked_nps),
        (
            "CSAT top-2",
            Score::TopBox(2, ProportionMethod::Wilson),
            &csat_cells,
            &raked_csat,
        ),
    ];
    println!(
        "\n{:<11} {:<18} {:>8} {:>8}   {:<22} {:>6} {:>6}",
        "score", "method", "value", "se", "95% CI", "deff", "kish"
    );
    for (name, score, cells, raked) in rows {
        let plain = score.estimate(&cells.total()?, level)?;
        let by_kish = score.estimate(&weighted(cells, raked)?, kish)?;
        let linearized = raked.estimate(score, level)?;
        for (method, est) in [
            ("unweighted", plain),
            ("Kish-weighted", by_kish),
            ("raked, linearized", linearized),
        ] {
            print_row(name, method, &est);
        }
        println!();
    }
    println!("deff: R's deff = \"replace\" (linearized variance / simple random sample's);");
    println!("kish: 1 + CV² of the weights. Both are 1 (shown as -) for unweighted answers.");
    println!();
    stratified_clustered(&mut rng)
}

/// A stratified, clustered sample: 2 regions (strata) × 6 stores
/// (clusters), 25 customers per store and month over two months, weights
/// from the regions' sampling rates; NPS per channel × month and the
/// design-based month-over-month change per channel.
fn stratified_clustered(rng: &mut Lcg) -> Result<(), cxmetrics::Error> {
    use cxmetrics::complex::{DesignKey, IntervalMethod, PointValues, Statistic, SurveyDesign};
    let mut design = SurveyDesign::new(Scale::NPS);
    for (region, base_weight) in [(0u64, 40.0), (1, 65.0)] {
        for store in 0..6u64 {
            // Stores differ: a store effect shared by its customers.
            let store_effect = rng.below(3);
            for month in 1..=2u64 {
                for _ in 0..25 {
                    let channel = rng.below(3);
                    // Phone (1) slips in month 2.
                    let slip = u64::from(channel == 1 && month == 2) * 2;
                    let score = (rng.below(6) + 5 + store_effect)
                        .saturating_sub(slip)
                        .min(10);
                    let weight = base_weight * (0.8 + rng.below(40) as f64 / 100.0);
                    let key = DesignKey::new()
                        .stratum(region)
                        .cluster(10 * region + store)
                        .domain(10 * channel + month);
                    design.push(score as u8, weight, key)?;
                }
            }
        }
    }
    let nps = PointValues::new(Scale::NPS, Statistic::Nps)?;
    println!(
        "Stratified (2 regions), clustered (12 stores) sample of {} customers: design df {}",
        design.n(None),
        design.df(None)
    );
    println!(
        "NPS per channel and month (domains of one design, linearized SE, t interval on the design's df):"
    );
    println!(
        "{:<8} {:<6} {:>5} {:>7} {:>6}   95% CI",
        "channel", "month", "n", "NPS", "se"
    );
    for (c, &(channel, _)) in CHANNELS.iter().enumerate() {
        for month in 1..=2u64 {
            let e = design.estimate(&nps, Some(10 * c as u64 + month))?;
            let ci = e.interval(IntervalMethod::TFull, 0.95)?;
            println!(
                "{channel:<8} {month:<6} {:>5} {:>7.1} {:>6.2}   {:.1} to {:.1}",
                e.n, e.estimate, e.std_error, ci.lower, ci.upper
            );
        }
    }
    println!();
    println!(
        "Month 2 − month 1 per channel: design-based (svyby + svycontrast), t on {} df",
        design.df(None)
    );
    for (c, &(channel, _)) in CHANNELS.iter().enumerate() {
        let c = c as u64;
        let d = design.difference(&nps, 10 * c + 2, 10 * c + 1, 0.95)?;
        let (p, ci) = (d.p_value, d.interval);
        match (p, ci) {
            (Some(p), Some(ci)) => println!(
                "{channel:<8} {:+6.1} points (se {:.2}, 95% CI {:+.1} to {:+.1}), {}",
                d.difference,
                d.std_error,
                ci.lower,
                ci.upper,
                if p < 0.001 {
                    "p < 0.001".to_string()
                } else {
                    format!("p = {p:.3}")
                }
            ),
            _ => println!(
                "{channel:<8} {:+6.1} points: no test (zero variance)",
                d.difference
            ),
        }
    }
    Ok(())
}

fn print_row(score: &str, method: &str, est: &Estimate) {
    let k = est.unit.display_factor();
    let show = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |d| format!("{d:.2}"));
    let deff = est.design.and_then(|d| d.design_effect);
    let kish = est.design.map(|d| d.kish_design_effect);
    println!(
        "{score:<11} {method:<18} {:>8.1} {:>8.2}   {:>8.1} to {:<10.1} {:>6} {:>6}",
        est.value * k,
        est.std_error * k,
        est.interval.lower * k,
        est.interval.upper * k,
        show(deff),
        show(kish),
    );
}
