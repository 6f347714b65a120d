//! Quickstart: score a small customer survey.
//!
//! Run with `cargo run --example quickstart`. The survey below is built in:
//! 320 answers from four channels, each with three questions — NPS
//! (0–10), CSAT (1–5) and Customer Effort (CES 2.0, 1–7 where 7 = easy) —
//! and some "not applicable" answers (`NA`).

use std::collections::BTreeMap;

use cxmetrics::{ConfidenceLevel, Mean, Nps, Scale, Tally, TopBox, compare};

/// One record per answer: `channel,nps,csat,ces`, records separated by `;`.
const SURVEY: &[&str] = &[
    "email,9,3,NA;web,10,5,6;chat,10,NA,7;phone,10,5,6;chat,8,5,6;chat,10,3,7;web,8,4,4;",
    "phone,6,2,2;web,9,4,6;chat,10,5,6;web,10,NA,NA;chat,9,3,4;chat,10,5,7;phone,0,1,NA;",
    "chat,9,5,5;web,9,4,6;phone,6,3,3;phone,8,5,7;chat,10,5,6;phone,8,3,4;email,8,3,4;",
    "phone,10,4,7;phone,8,4,5;web,8,4,5;web,0,1,1;email,8,2,6;chat,3,1,2;chat,8,4,5;",
    "email,9,3,7;web,6,2,NA;web,4,2,3;chat,3,3,1;phone,2,1,1;chat,2,1,2;chat,7,NA,3;web,0,2,NA;",
    "phone,NA,3,6;phone,8,4,NA;phone,5,3,3;web,10,4,6;chat,6,2,3;email,9,3,3;chat,10,4,7;",
    "email,8,NA,5;web,10,5,7;phone,8,4,6;web,9,3,5;email,10,4,7;email,8,3,NA;email,8,3,5;",
    "phone,8,4,4;web,8,3,NA;phone,9,NA,NA;chat,3,1,NA;email,9,3,7;web,10,5,7;email,0,1,3;",
    "email,8,5,5;chat,10,5,4;chat,10,4,7;phone,9,5,6;web,10,3,7;chat,8,4,7;chat,NA,3,6;",
    "web,10,5,NA;phone,5,3,6;phone,10,5,7;chat,8,NA,4;chat,8,3,7;web,10,4,5;phone,10,5,7;",
    "phone,9,5,7;email,4,3,NA;web,10,5,7;email,10,3,5;email,NA,2,5;phone,6,4,3;web,10,NA,7;",
    "email,9,NA,6;chat,5,4,2;chat,5,4,2;phone,3,2,3;email,6,2,4;email,8,2,5;phone,6,2,5;",
    "web,8,5,5;chat,8,5,5;phone,8,3,5;email,8,5,7;web,8,4,5;phone,10,5,6;phone,7,3,4;",
    "chat,10,5,6;web,4,2,3;chat,0,1,NA;phone,0,1,1;phone,7,NA,7;email,4,2,5;email,8,4,5;",
    "chat,10,5,6;chat,8,4,4;web,8,4,5;email,9,4,NA;email,10,5,NA;email,10,1,7;web,6,4,4;",
    "phone,8,4,5;chat,5,2,NA;email,5,2,2;phone,9,3,6;web,0,1,NA;web,5,3,4;web,2,1,1;web,7,3,3;",
    "phone,6,3,4;web,10,4,NA;chat,10,5,7;chat,10,5,6;web,10,5,7;chat,10,4,6;phone,10,4,6;",
    "email,9,4,NA;chat,6,1,7;web,10,4,5;web,9,3,5;phone,0,1,2;chat,10,4,6;chat,3,3,1;",
    "chat,7,3,NA;web,7,3,NA;phone,8,5,6;chat,8,4,5;email,8,4,6;web,6,2,5;chat,8,5,3;",
    "email,4,2,4;chat,10,5,NA;web,7,4,7;phone,7,4,4;chat,10,3,7;web,8,3,3;phone,6,3,2;",
    "chat,6,2,4;web,7,NA,6;email,7,4,NA;phone,4,3,4;email,7,3,6;chat,10,NA,4;email,10,4,7;",
    "email,10,4,6;email,8,3,NA;chat,10,5,7;web,10,5,7;chat,5,2,3;web,3,2,3;chat,6,3,4;",
    "web,5,3,2;email,10,NA,5;email,10,5,7;web,8,3,7;phone,9,4,4;email,9,5,7;chat,3,1,3;",
    "chat,10,NA,5;web,0,1,1;web,5,2,4;phone,10,5,7;web,0,NA,1;chat,10,5,NA;phone,6,2,3;",
    "phone,10,5,NA;email,4,2,NA;chat,9,3,7;email,NA,4,5;web,8,5,6;email,9,3,NA;email,5,2,5;",
    "phone,8,4,6;email,10,NA,7;phone,3,1,3;chat,8,4,5;phone,8,4,4;chat,8,5,5;chat,3,2,3;",
    "phone,10,5,6;email,6,3,NA;web,10,5,7;web,9,5,7;email,8,5,5;web,NA,NA,5;chat,10,4,NA;",
    "phone,5,4,2;chat,10,5,7;chat,10,5,7;phone,8,3,6;phone,9,NA,7;chat,7,3,5;phone,8,4,NA;",
    "email,8,4,4;web,8,2,6;phone,2,1,2;chat,8,4,5;chat,10,5,7;phone,10,NA,5;chat,6,NA,3;",
    "phone,7,4,4;web,10,NA,NA;chat,7,4,5;web,6,3,4;phone,6,1,4;phone,8,4,5;chat,9,2,6;",
    "web,10,4,6;phone,4,2,1;chat,5,2,3;phone,6,3,5;web,5,2,2;chat,10,5,7;web,3,1,2;phone,7,4,6;",
    "email,4,3,4;chat,10,5,7;chat,6,4,5;phone,9,5,3;web,9,NA,6;chat,7,3,NA;email,8,3,7;",
    "web,10,NA,7;chat,9,5,NA;phone,6,4,NA;web,9,3,5;web,6,3,4;web,3,3,1;email,9,4,7;web,9,5,7;",
    "phone,8,5,4;email,4,3,3;phone,6,3,4;chat,8,3,6;web,2,1,2;phone,9,4,NA;chat,6,4,5;",
    "email,10,5,7;chat,9,3,NA;web,10,NA,6;phone,8,NA,5;chat,9,5,6;web,9,4,5;web,10,2,7;",
    "web,5,3,5;web,6,4,4;chat,5,2,3;phone,10,NA,7;phone,9,3,4;email,7,4,5;email,8,4,NA;",
    "chat,8,4,6;phone,5,3,3;email,10,4,6;web,8,NA,5;web,9,4,5;email,10,NA,7;phone,4,2,2;",
    "email,7,3,5;chat,8,4,3;phone,2,3,2;web,10,3,NA;phone,10,NA,7;web,10,4,6;email,4,2,4;",
    "web,10,3,7;web,9,3,7;phone,9,5,7;chat,7,4,5;chat,6,2,5;phone,6,3,4;web,10,4,7;web,9,5,3;",
    "web,10,5,4;phone,2,2,NA;phone,6,3,6;phone,3,2,3;email,9,5,7;email,3,3,4;chat,9,3,6;",
    "web,8,3,6;email,6,3,2;web,5,NA,4;phone,2,1,1;web,7,4,5;chat,9,4,7;web,9,5,NA;web,10,5,7;",
    "phone,10,5,6;web,10,NA,6;email,5,2,3;web,9,5,6;phone,7,5,5;email,3,1,1;web,10,NA,NA;",
    "chat,9,5,7;email,8,2,5;phone,10,4,7;web,10,5,7;email,8,4,3;email,4,2,2;web,2,2,2;",
    "web,10,4,7;email,7,3,5;web,5,2,5;phone,10,5,6;phone,8,5,4;chat,7,4,5;web,9,5,7;",
    "phone,10,5,7;phone,6,3,NA;phone,8,4,5;email,7,3,NA;phone,9,2,NA;chat,7,4,6;",
];

/// The three questions' tallies for one group of respondents.
struct Questions {
    nps: Tally,
    csat: Tally,
    ces: Tally,
}

impl Questions {
    fn new() -> Questions {
        Questions {
            nps: Tally::new(Scale::NPS),
            csat: Tally::new(Scale::CSAT_5),
            ces: Tally::new(Scale::CES_7),
        }
    }

    fn merge(&mut self, other: &Questions) -> Result<(), cxmetrics::Error> {
        self.nps.merge(&other.nps)?;
        self.csat.merge(&other.csat)?;
        self.ces.merge(&other.ces)
    }
}

/// Records one raw answer: a whole number, or `NA` for "not applicable"
/// (one of the default not-applicable tokens of `Scale::parse`).
fn record(tally: &mut Tally, raw: &str) -> Result<(), cxmetrics::Error> {
    tally.push(tally.scale().parse(raw)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut channels: BTreeMap<&str, Questions> = BTreeMap::new();
    for rec in SURVEY
        .iter()
        .flat_map(|line| line.split(';'))
        .filter(|r| !r.is_empty())
    {
        let fields: Vec<&str> = rec.split(',').collect();
        let [channel, nps, csat, ces] = fields[..] else {
            return Err(format!("malformed record {rec:?}").into());
        };
        let q = channels.entry(channel).or_insert_with(Questions::new);
        record(&mut q.nps, nps)?;
        record(&mut q.csat, csat)?;
        record(&mut q.ces, ces)?;
    }

    let mut overall = Questions::new();
    for q in channels.values() {
        overall.merge(q)?;
    }

    println!(
        "Customer survey: {} respondents (95% confidence intervals)\n",
        overall.nps.len()
    );
    for (name, q) in channels
        .iter()
        .map(|(k, v)| (*k, v))
        .chain([("overall", &overall)])
    {
        report(name, q)?;
    }

    // Did web really beat phone, or is it noise? Each comparison is
    // a − b (web − phone): NPS in points, shares in percentage points.
    let level = ConfidenceLevel::P95;
    let (web, phone) = (&channels["web"], &channels["phone"]);
    let nps_gap = compare::nps(
        &Nps::from_tally(&web.nps)?,
        &Nps::from_tally(&phone.nps)?,
        level,
    )?;
    println!("NPS, web minus phone:        {nps_gap}");
    let csat_gap = compare::top_box(
        &TopBox::top(&web.csat, 2)?,
        &TopBox::top(&phone.csat, 2)?,
        level,
    )?;
    println!("CSAT top-2, web minus phone: {csat_gap}");
    Ok(())
}

fn report(name: &str, q: &Questions) -> Result<(), cxmetrics::Error> {
    let level = ConfidenceLevel::P95;
    let nps = Nps::from_tally(&q.nps)?;
    let nps_ci = nps.estimate(level)?; // adjusted Wald, in NPS points
    let csat_ci = TopBox::top(&q.csat, 2)?.estimate(level)?; // Wilson score, a share shown in %
    let csat_mean = Mean::from_tally(&q.csat)?;
    let ces_ci = Mean::from_tally(&q.ces)?.estimate(level)?; // Student t, in scale points
    let ces_easy = TopBox::top(&q.ces, 3)?;
    println!("== {name} ==");
    println!(
        "  NPS        {nps_ci}  ({} promoters, {} passives, {} detractors; {} n/a)",
        nps.promoters(),
        nps.passives(),
        nps.detractors(),
        q.nps.not_applicable()
    );
    println!(
        "  CSAT top-2 {csat_ci}  (4-5; mean {:.2} of 5; {} n/a)",
        csat_mean.mean(),
        q.csat.not_applicable()
    );
    println!(
        "  CES mean   {ces_ci:.2}  (of 7; {:.1}% easy, 5-7; {} n/a)\n",
        ces_easy.percent(),
        q.ces.not_applicable()
    );
    Ok(())
}
