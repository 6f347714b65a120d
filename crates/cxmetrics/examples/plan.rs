//! Planning a survey: how many answers for a wanted margin of error, and
//! what margin a given number of answers buys.
//!
//! Run with `cargo run --example plan`.

use cxmetrics::interval::IntervalSpec;
use cxmetrics::{ConfidenceLevel, Margin, plan};

fn main() -> Result<(), cxmetrics::Error> {
    let level = ConfidenceLevel::P95;

    println!(
        "Answers needed for NPS within ±E points (expecting 40% promoters, 20% detractors, 95%):"
    );
    for margin in [10.0, 5.0, 3.0] {
        let unlimited = plan::sample_size_nps(Margin::points(margin)?, 0.40, 0.20, level)?;
        let of_5000 = plan::sample_size_nps(
            Margin::points(margin)?,
            0.40,
            0.20,
            IntervalSpec::new(level).population(5_000),
        )?;
        println!(
            "  ±{margin:>4} points: {:>5} answers ({:>5} if the whole population is 5,000 customers)",
            unlimited.n_ceil, of_5000.n_ceil
        );
    }

    println!("\nAnswers needed for a CSAT share within ±E (worst case p = 0.5):");
    for margin in [0.05, 0.03, 0.01] {
        let n = plan::sample_size_proportion(Margin::fraction(margin)?, 0.5, level)?;
        println!("  ±{:>4.1}%: {:>6} answers", 100.0 * margin, n.n_ceil);
    }

    println!("\nMargin of error for a CES mean (sd 1.4 on 1–7):");
    for n in [50, 200, 1_000] {
        let m = plan::margin_of_error_mean(n, 1.4, level)?;
        println!("  n = {n:>5}: ±{m:.3} scale points");
    }

    println!(
        "\nMargin of error of an NPS from 400 answers: ±{:.1} points",
        plan::margin_of_error_nps(400, 0.4, 0.2, level)?
    );
    Ok(())
}
