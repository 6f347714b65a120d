//! A monthly CX report from a Qualtrics-style export: the scorecard per
//! month and channel (weighted, design-based intervals), every channel's
//! month-over-month NPS with Holm's correction within the channel, the
//! CES ↔ CSAT correlation and the ingest report.
//!
//! ```sh
//! cargo run --example monthly_report                 # the bundled export
//! cargo run --example monthly_report -- export.csv   # another file
//! ```
//!
//! The bundled export (`tests/data/survey_export.csv`, 3,000 respondents)
//! has what real ones have: a second header row of question texts, labels
//! ("Very satisfied", "Strongly agree"), endpoint cells ("10 - Extremely
//! likely"), blanks, "N/A" and "Don't know", blank weights, and malformed
//! rows (a missing cell, a date that is no date, a blank channel).

use cxmetrics::multiplicity::Adjustment;
use cxmetrics::survey::{Family, MissingWeight, Survey, TrendOptions};
use cxmetrics::{ConfidenceLevel, PeriodUnit, Scale, association};

const BUNDLED: &str = include_str!("../tests/data/survey_export.csv");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => BUNDLED.to_string(),
    };
    // `flexible`: a row with a missing cell reaches the survey, which
    // rejects it by name instead of stopping the read.
    let mut export = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());

    let mut survey = Survey::builder()
        .header(export.headers()?)
        .period("RecordedDate", PeriodUnit::Month)
        .group("Channel")
        .weight("Weight", MissingWeight::UnweightedOnly)
        .nps("Q1_NPS")
        .csat("Q2_CSAT", Scale::CSAT_5)
        .ces("Q3_CES", Scale::CES_7)
        .pair("Q3_CES", "Q2_CSAT")
        .not_applicable(["Don't know"])
        .build()?;
    // Skip Qualtrics' second header row (the question texts).
    for row in export.records().skip(1) {
        survey.push_row(&row?);
    }

    let level = ConfidenceLevel::P95;
    println!("{}\n", survey.scorecard(level));

    let by_channel = TrendOptions::new(level)
        .family(Family::WithinGroup)
        .adjustment(Adjustment::Holm);
    println!("{}\n", survey.trends("Q1_NPS", &by_channel)?);

    let ces_csat = survey
        .joint("Q3_CES", "Q2_CSAT", false)
        .ok_or("no such pair")?;
    println!("CES vs CSAT: {}", association::pearson(ces_csat, level)?);
    println!("CES vs CSAT: {}\n", association::spearman(ces_csat, level)?);

    println!("{}", survey.report());
    Ok(())
}
