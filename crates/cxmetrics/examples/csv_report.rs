//! A month × channel report from a survey export, dirty rows and all.
//!
//! Run with `cargo run --example csv_report`. The example generates a
//! realistic CSV export (respondent, date, channel, NPS 0–10, CSAT 1–5 as
//! numbers or labels, CES 1–7, survey weight), with the dirt real exports
//! have: blanks, `N/A`, `-`, padded cells, `10.0`, typos, scores off the
//! scale and bad weights. It reads it with the `csv` crate, keeps every
//! good answer, counts every other one in an ingest report, and prints NPS,
//! CSAT top-2 and CES with 95% intervals per month and channel, the
//! month-over-month changes, and flags for segments too small to score.

use std::collections::BTreeMap;

use cxmetrics::input::{CellParser, IngestReport};
use cxmetrics::segment::Score;
use cxmetrics::{ConfidenceLevel, Error, Estimate, Scale, Segmented};

/// Segments with fewer rated answers are flagged rather than scored.
const MIN_N: u64 = 30;

/// One question of the export: how to read it, how to score it, and what
/// was read so far, by (month, channel).
struct Question {
    name: &'static str,
    /// Decimals shown.
    digits: usize,
    cells: CellParser,
    score: Score,
    by_segment: Segmented<Key>,
    report: IngestReport,
    /// The estimates once every row is read.
    scored: BTreeMap<Key, Result<Estimate, Error>>,
}

/// (month, channel).
type Key = (String, String);

impl Question {
    fn new(name: &'static str, digits: usize, cells: CellParser, score: Score) -> Question {
        let by_segment = Segmented::new(cells.scale());
        let report = IngestReport::new();
        let scored = BTreeMap::new();
        Question {
            name,
            digits,
            cells,
            score,
            by_segment,
            report,
            scored,
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let csat_labels = [
        ("Very dissatisfied", 1),
        ("Dissatisfied", 2),
        ("Neutral", 3),
        ("Satisfied", 4),
        ("Very satisfied", 5),
    ];
    let mut questions = [
        Question::new("NPS", 1, CellParser::new(Scale::NPS), Score::nps()),
        Question::new(
            "CSAT top-2",
            1,
            CellParser::new(Scale::CSAT_5).labels(csat_labels)?,
            Score::top_box(2),
        ),
        Question::new("CES mean", 2, CellParser::new(Scale::CES_7), Score::Mean),
    ];

    // Reading: every cell is parsed, every row counted (line 1 is the header).
    let export = export();
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let row = record?; // respondent,date,channel,nps,csat,ces,weight
        let key = (row[1].get(..7).unwrap_or("?").to_owned(), row[2].to_owned());
        for (q, cell) in questions.iter_mut().zip([&row[3], &row[4], &row[5]]) {
            let parsed = q.cells.parse_weighted(cell, &row[6]);
            if let Some(answer) = q.report.record(i + 2, parsed) {
                q.by_segment.push(key.clone(), answer)?;
            }
        }
    }
    for q in &mut questions {
        let rows = q.by_segment.scores(q.score, ConfidenceLevel::P95, MIN_N);
        q.scored = rows.into_iter().map(|s| (s.key, s.estimate)).collect();
    }

    // Printing: each question scored per segment (an error for segments
    // below the minimum n), and each segment against its previous month.
    let level = ConfidenceLevel::P95;
    println!(
        "Survey export, weighted; {level} intervals; segments under {MIN_N} answers are flagged\n"
    );
    let keys: Vec<Key> = questions[0]
        .by_segment
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    for key in &keys {
        println!("{} {}", key.0, key.1);
        for q in &questions {
            let d = q.digits;
            match q.scored.get(key) {
                Some(Ok(estimate)) => println!("  {:<11} {estimate:.d$}", q.name),
                Some(Err(flag)) => println!("  {:<11} flagged: {flag}", q.name),
                None => {}
            }
            // Month over month, when both months were scored.
            let scored = |k: &Key| matches!(q.scored.get(k), Some(Ok(_)));
            let Some(prev) = previous_month(&keys, key).filter(|p| scored(p) && scored(key)) else {
                continue;
            };
            if let (Some(this), Some(before)) = (q.by_segment.get(key), q.by_segment.get(prev)) {
                match q.score.compare(&this, &before, level) {
                    Ok(change) => println!("  {:<11} vs {}: {change:.d$}", "", prev.0),
                    Err(e) => println!("  {:<11} vs {}: not compared ({e})", "", prev.0),
                }
            }
        }
    }
    println!("\nIngest report (line numbers of the export):");
    for q in &questions {
        println!("  {:<11} {}", q.name, q.report);
    }
    Ok(())
}

/// The same channel's key one month earlier, if the export has it.
fn previous_month<'a>(
    keys: &'a [(String, String)],
    key: &(String, String),
) -> Option<&'a (String, String)> {
    keys.iter().filter(|k| k.1 == key.1 && k.0 < key.0).max()
}

/// A synthetic export of 6,000 rows over three months and four channels
/// (one of them tiny), generated from a fixed seed, with dirty cells.
fn export() -> String {
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |k: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % k
    };
    let channels = [("web", 45), ("app", 30), ("phone", 24), ("kiosk", 1)];
    let dirty_nps = [
        "abc", "11", "9.5", " 8 ", "10.0", "N/A", "", "-", "n/a", "NA", "7,5",
    ];
    let dirty_weight = ["", "-1", "heavy", "inf", " 1.0 "];
    let labels = [
        "Very dissatisfied",
        "dissatisfied",
        "Neutral",
        "SATISFIED",
        " Very satisfied ",
    ];
    let mut csv = String::from("respondent,date,channel,nps,csat,ces,weight\n");
    for id in 0..6000u64 {
        let month = 1 + id * 3 / 6000;
        let mut pick = next(100);
        let (channel, lift) = channels
            .iter()
            .enumerate()
            .find_map(|(i, &(c, share))| {
                if pick < share {
                    Some((c, i as u64))
                } else {
                    pick -= share;
                    None
                }
            })
            .unwrap_or(("web", 0));
        // Happier customers on the web, and a better March on the app.
        let mood = next(100).max(next(100)).max(next(100))
            + 8 * (3 - lift.min(3))
            + if channel == "app" && month == 3 {
                12
            } else {
                0
            };
        let nps = (mood * 11 / 110).min(10);
        let csat = 1 + (mood * 5 / 115).min(4);
        let ces = 1 + (mood * 7 / 120).min(6);
        let nps_cell = if id % 53 == 7 {
            dirty_nps[(id / 53) as usize % dirty_nps.len()].to_string()
        } else {
            nps.to_string()
        };
        let csat_cell = match id % 10 {
            0 => labels[csat as usize - 1].to_string(),
            1 if id % 70 == 1 => "N/A".to_string(),
            _ => csat.to_string(),
        };
        let ces_cell = if id % 89 == 3 {
            "8".to_string()
        } else if id % 31 == 5 {
            String::new()
        } else {
            ces.to_string()
        };
        let weight = if id % 211 == 11 {
            dirty_weight[(id / 211) as usize % dirty_weight.len()].to_string()
        } else {
            format!("{:.2}", 0.5 + next(150) as f64 / 100.0)
        };
        let day = 1 + next(28);
        csv.push_str(&format!(
            "R{id:05},2026-{month:02}-{day:02},{channel},\"{nps_cell}\",{csat_cell},{ces_cell},\"{weight}\"\n"
        ));
    }
    csv
}
