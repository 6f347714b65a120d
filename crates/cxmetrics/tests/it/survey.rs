//! The survey object against the bundled export: figures computed
//! independently (tests/data/gen_survey_export.py, plain Python arithmetic),
//! the question-level API on the same answers, hand counts of the ingest
//! report, and exact merging.

use std::collections::BTreeMap;

use cxmetrics::input::CellParser;
use cxmetrics::input::LabelSet;
use cxmetrics::multiplicity::Adjustment;
use cxmetrics::survey::{
    Base, CardKey, CardMetric, Family, MissingWeight, Record, RowCause, RowStatus, Survey,
    TrendOptions,
};
use cxmetrics::{
    ConfidenceLevel, Mean, Nps, Period, PeriodUnit, Response, Scale, Tally, TopBox, Weight,
    association,
};
use serde_json::Value;

use crate::{ABS_TOL, REL_TOL};

const EXPORT: &str = include_str!("../data/survey_export.csv");
const EXPECTED: &str = include_str!("../data/survey_export_expected.json");

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= ABS_TOL.max(REL_TOL * b.abs())
}

fn declared() -> cxmetrics::survey::SurveyBuilder {
    Survey::builder()
        .period("RecordedDate", PeriodUnit::Month)
        .group("Channel")
        .weight("Weight", MissingWeight::UnweightedOnly)
        .nps("Q1_NPS")
        .csat("Q2_CSAT", Scale::CSAT_5)
        .ces("Q3_CES", Scale::CES_7)
        .pair("Q3_CES", "Q2_CSAT")
        .not_applicable(["Don't know"])
}

/// The export's rows (after the question-text row) and its header.
fn export() -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(EXPORT.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .skip(1)
        .map(|row| row.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn survey_of(rows: &[Vec<String>], header: &[String]) -> Survey {
    let mut s = declared().header(header).build().unwrap();
    for row in rows {
        s.push_row(row);
    }
    s
}

#[test]
fn the_ingest_report_equals_the_hand_count() {
    let expected: Value = serde_json::from_str(EXPECTED).unwrap();
    let (header, rows) = export();
    let s = survey_of(&rows, &header);
    let r = s.report();
    assert_eq!(r.rows(), expected["rows"].as_u64().unwrap());
    assert_eq!(r.accepted(), expected["accepted"].as_u64().unwrap());
    let causes = &expected["row_causes"];
    for (cause, name) in [
        (RowCause::ColumnCount, "column_count"),
        (RowCause::BadPeriod, "bad_period"),
        (RowCause::BadGroup, "bad_group"),
    ] {
        assert_eq!(
            r.rejected_for(cause),
            causes[name]["count"].as_u64().unwrap(),
            "{name}"
        );
        let first: Vec<usize> = r
            .rejections()
            .iter()
            .find(|x| x.cause == cause)
            .unwrap()
            .first_rows
            .clone();
        let want: Vec<usize> = causes[name]["first_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(first, want, "{name}");
    }
    assert_eq!(
        r.unweighted_only(),
        causes["unweighted_only"]["count"].as_u64().unwrap()
    );
    for (q, cause, name) in [
        (
            "Q1_NPS",
            cxmetrics::input::RejectCause::NotANumber,
            "not_a_number",
        ),
        (
            "Q2_CSAT",
            cxmetrics::input::RejectCause::OutOfRange,
            "out_of_range",
        ),
    ] {
        let qr = r.question(q).unwrap();
        let want = &expected["cell_causes"][q][name];
        assert_eq!(qr.rejected_for(cause), want["count"].as_u64().unwrap());
        assert_eq!(qr.rejected(), want["count"].as_u64().unwrap());
    }
    for q in ["Q1_NPS", "Q2_CSAT", "Q3_CES"] {
        assert_eq!(
            r.question(q).unwrap().not_applicable(),
            expected["not_applicable"][q].as_u64().unwrap(),
            "{q}"
        );
    }
    let text = r.to_string();
    assert!(text.starts_with("3000 rows: 2962 accepted, 38 rejected (wrong number of columns: 13"));
    assert!(text.contains("Q2_CSAT: 2818 answers, 130 not applicable, 14 cells rejected"));
}

/// Checks a scorecard row's unweighted figures (and weighted point values)
/// against the generator's.
fn check_figures(card: &cxmetrics::survey::Scorecard, key: &CardKey, want: &Value) {
    let row = card.row(key).unwrap_or_else(|| panic!("no row {key}"));
    for cell in &row.questions {
        let Some(w) = want.get(&cell.question) else {
            continue;
        };
        let u = &cell.unweighted;
        assert_eq!(u.n, w["n"].as_u64().unwrap(), "{key} {}", cell.question);
        let triple = |metric: CardMetric| {
            let e = u.get(metric).unwrap().as_ref().unwrap();
            [e.value, e.interval.lower, e.interval.upper]
        };
        let pairs: Vec<(CardMetric, &str)> = if cell.question == "Q1_NPS" {
            vec![(CardMetric::Nps, "nps")]
        } else {
            vec![(CardMetric::TopBox, "top_box"), (CardMetric::Mean, "mean")]
        };
        for (metric, name) in pairs {
            let got = triple(metric);
            let exp: Vec<f64> = w[name]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            for (g, e) in got.iter().zip(&exp) {
                assert!(
                    close(*g, *e),
                    "{key} {} {name}: {got:?} vs {exp:?}",
                    cell.question
                );
            }
        }
        let weighted = cell.weighted.as_ref().unwrap();
        for (metric, name) in [
            (CardMetric::Nps, "weighted_nps"),
            (CardMetric::TopBox, "weighted_top_box"),
            (CardMetric::Mean, "weighted_mean"),
        ] {
            if let (Some(exp), Some(Ok(e))) = (w.get(name), weighted.get(metric)) {
                assert!(close(e.value, exp.as_f64().unwrap()), "{key} {name}");
            }
        }
    }
}

#[test]
fn scorecard_figures_equal_an_independent_computation() {
    let expected: Value = serde_json::from_str(EXPECTED).unwrap();
    let (header, rows) = export();
    let s = survey_of(&rows, &header);
    let card = s.scorecard(ConfidenceLevel::P95);
    check_figures(&card, &CardKey::total(1), &expected["total"]);
    let mut checked = 0;
    for (label, want) in expected["cells"].as_object().unwrap() {
        let (month, channel) = label.split_once(" / ").unwrap();
        let key = CardKey {
            period: Some(month.parse::<Period>().unwrap()),
            groups: vec![Some(channel.to_string())],
        };
        check_figures(&card, &key, want);
        checked += 1;
    }
    for (month, want) in expected["months"].as_object().unwrap() {
        let key = CardKey {
            period: Some(month.parse().unwrap()),
            groups: vec![None],
        };
        check_figures(&card, &key, want);
    }
    for (channel, want) in expected["channels"].as_object().unwrap() {
        let key = CardKey {
            period: None,
            groups: vec![Some(channel.clone())],
        };
        check_figures(&card, &key, want);
    }
    assert_eq!(checked, 23, "6 months × 4 channels, Store missing April");
    // The correlation of the declared pair.
    let joint = s.joint("Q3_CES", "Q2_CSAT", false).unwrap();
    let r = association::pearson(joint, ConfidenceLevel::P95).unwrap();
    let rho = association::spearman(joint, ConfidenceLevel::P95).unwrap();
    assert_eq!(r.n, expected["pairs_n"].as_u64().unwrap());
    assert!(close(
        r.value,
        expected["pearson_ces_csat"].as_f64().unwrap()
    ));
    assert!(close(
        rho.value,
        expected["spearman_ces_csat"].as_f64().unwrap()
    ));
}

/// Reads the export row by row with the question-level API, keeping each
/// question's answers by (month, channel) with their weights.
/// Per (month, channel), each question's answers with their weights.
type ByKey = BTreeMap<(String, String), [Vec<(Response, Option<Weight>)>; 3]>;

fn question_level(rows: &[Vec<String>]) -> ByKey {
    let na = ["Don't know"];
    let parsers = [
        CellParser::new(Scale::NPS)
            .label_set(LabelSet::LIKELIHOOD_11)
            .unwrap()
            .also_not_applicable(na),
        CellParser::new(Scale::CSAT_5)
            .label_set(LabelSet::SATISFACTION_5)
            .unwrap()
            .also_not_applicable(na),
        CellParser::new(Scale::CES_7)
            .label_set(LabelSet::AGREEMENT_7)
            .unwrap()
            .also_not_applicable(na),
    ];
    let mut out: ByKey = BTreeMap::new();
    for row in rows {
        if row.len() != 8 {
            continue;
        }
        let Ok(p) = PeriodUnit::Month.bucket_cell(&row[1]) else {
            continue;
        };
        let channel = row[2].trim();
        if channel.is_empty() {
            continue;
        }
        let w = cxmetrics::input::parse_weight(&row[3]).ok();
        let slot = out.entry((p.to_string(), channel.to_string())).or_default();
        for q in 0..3 {
            if let Ok(r) = parsers[q].parse(&row[4 + q]) {
                slot[q].push((r, w));
            }
        }
    }
    out
}

#[test]
fn every_scorecard_number_equals_the_question_level_api() {
    let (header, rows) = export();
    let s = survey_of(&rows, &header);
    let level = ConfidenceLevel::P90;
    let card = s.scorecard(level);
    let scales = [Scale::NPS, Scale::CSAT_5, Scale::CES_7];
    for ((month, channel), answers) in question_level(&rows) {
        let key = CardKey {
            period: Some(month.parse().unwrap()),
            groups: vec![Some(channel.clone())],
        };
        let row = card.row(&key).unwrap();
        for q in 0..3 {
            let mut plain = Tally::new(scales[q]);
            let mut weighted = Tally::new(scales[q]);
            for (r, w) in &answers[q] {
                match r {
                    Response::Rated { rating, .. } => {
                        plain.push(Response::rated(*rating)).unwrap();
                        if let Some(w) = w {
                            weighted.push(Response::weighted(*rating, *w)).unwrap();
                        }
                    }
                    Response::NotApplicable => {
                        plain.push(Response::NotApplicable).unwrap();
                        if w.is_some() {
                            weighted.push(Response::NotApplicable).unwrap();
                        }
                    }
                }
            }
            let cell = &row.questions[q];
            for (tally, figures) in [
                (&plain, &cell.unweighted),
                (&weighted, cell.weighted.as_ref().unwrap()),
            ] {
                assert_eq!(figures.n, tally.n());
                assert_eq!(figures.not_applicable, tally.not_applicable());
                let by_api = |m: CardMetric| match m {
                    CardMetric::Nps => Nps::from_tally(tally).and_then(|x| x.estimate(level)),
                    CardMetric::Promoters => TopBox::top(tally, 2).and_then(|x| x.estimate(level)),
                    CardMetric::Detractors => {
                        TopBox::bottom(tally, 7).and_then(|x| x.estimate(level))
                    }
                    CardMetric::TopBox => TopBox::top(tally, 2).and_then(|x| x.estimate(level)),
                    CardMetric::Mean => Mean::from_tally(tally).and_then(|x| x.estimate(level)),
                    _ => unreachable!(),
                };
                for (metric, est) in &figures.metrics {
                    if *metric == CardMetric::Passives {
                        let nps = Nps::from_tally(tally).unwrap();
                        assert!(close(est.as_ref().unwrap().value, nps.passive_share()));
                        continue;
                    }
                    let want = by_api(*metric);
                    if std::ptr::eq(tally, &weighted) {
                        // The weighted sums are added in another order
                        // (grouped by key): equal to the last bits.
                        let (a, b) = (est.as_ref().unwrap(), want.as_ref().unwrap());
                        for (x, y) in [
                            (a.value, b.value),
                            (a.std_error, b.std_error),
                            (a.interval.lower, b.interval.lower),
                            (a.interval.upper, b.interval.upper),
                            (a.effective_n, b.effective_n),
                        ] {
                            assert!(close(x, y), "{month} {channel} q{q} {metric}: {x} vs {y}");
                        }
                        assert_eq!((a.n, a.method, a.unit), (b.n, b.method, b.unit));
                    } else {
                        assert_eq!(est, &want, "{month} {channel} q{q} {metric}");
                    }
                }
            }
        }
    }
}

#[test]
fn row_by_row_equals_shards_merged_in_any_order() {
    let (header, rows) = export();
    let whole = survey_of(&rows, &header);
    let thirds: Vec<Survey> = rows.chunks(1000).map(|c| survey_of(c, &header)).collect();
    let mut merged = declared().header(&header).build().unwrap();
    for part in thirds.iter().rev() {
        merged.merge(part).unwrap();
    }
    let (a, b) = (whole.state(), merged.state());
    assert_eq!(a.keys, b.keys);
    for (qa, qb) in a.questions.iter().zip(&b.questions) {
        for (ta, tb) in qa.unweighted.iter().zip(&qb.unweighted) {
            assert_eq!(ta, tb);
        }
        for (ta, tb) in qa
            .weighted
            .as_ref()
            .unwrap()
            .iter()
            .zip(qb.weighted.as_ref().unwrap())
        {
            assert_eq!(ta.counts(), tb.counts());
            for (x, y) in ta.point_sums().zip(tb.point_sums()) {
                assert!(close(
                    x.weight * 2f64.powi(-ta.weight_exponent()),
                    y.weight * 2f64.powi(-tb.weight_exponent())
                ));
            }
        }
    }
    assert_eq!(a.report.rows(), b.report.rows());
    assert_eq!(a.report.accepted(), b.report.accepted());
    assert_eq!(
        a.report.rejected_for(RowCause::BadPeriod),
        b.report.rejected_for(RowCause::BadPeriod)
    );
    assert_eq!(a.pairs, b.pairs);
    // A survey of another declaration does not merge, and nothing changes.
    let other = Survey::builder().nps("x").build().unwrap();
    let before = merged.state();
    assert!(merged.merge(&other).is_err());
    assert_eq!(merged.state(), before);
}

#[test]
fn typed_records_equal_text_rows() {
    let build = || {
        Survey::builder()
            .header(["month", "store", "w", "nps", "sat"])
            .period("month", PeriodUnit::Month)
            .group("store")
            .weight("w", MissingWeight::Reject)
            .nps("nps")
            .csat("sat", Scale::CSAT_5)
            .build()
            .unwrap()
    };
    let (mut text, mut typed) = (build(), build());
    let rows = [
        ("2026-03-01", "a", 1.5, Some(10), Some(5)),
        ("2026-03-09", "a", 0.5, Some(3), None),
        ("2026-04-02", "b", 2.0, None, Some(2)),
    ];
    for (d, g, w, n, c) in rows {
        let cell = |x: Option<i64>| x.map_or("N/A".to_string(), |v| v.to_string());
        assert_eq!(
            text.push_row([
                d.to_string(),
                g.to_string(),
                w.to_string(),
                cell(n),
                cell(c)
            ]),
            RowStatus::Accepted
        );
        let period = PeriodUnit::Month.bucket_cell(d).unwrap();
        assert_eq!(
            typed.push_record(Record {
                period: Some(period),
                groups: &[g],
                weight: Some(w),
                answers: &[n, c]
            }),
            RowStatus::Accepted
        );
    }
    assert_eq!(text.state(), typed.state());
    // A record without its weight is rejected whole, as a text row is.
    assert_eq!(
        typed.push_record(Record {
            period: None,
            groups: &["a"],
            weight: Some(1.0),
            answers: &[Some(1), Some(1)]
        }),
        RowStatus::Rejected(RowCause::BadPeriod)
    );
    assert_eq!(
        text.push_row(["2026-03-01", "a", "", "9", "4"]),
        RowStatus::Rejected(RowCause::BadWeight)
    );
}

#[test]
fn blank_weights_follow_the_rule() {
    let rows = [["1.0", "10"], ["", "0"], ["bad", "9"]];
    let run = |rule: MissingWeight| {
        let mut s = Survey::builder()
            .header(["w", "q"])
            .weight("w", rule)
            .nps("q")
            .build()
            .unwrap();
        let statuses: Vec<RowStatus> = rows.iter().map(|r| s.push_row(r)).collect();
        let card = s.scorecard(ConfidenceLevel::P95);
        let total = card.total("q").unwrap().clone();
        (statuses, total)
    };
    let (st, t) = run(MissingWeight::Reject);
    assert_eq!(st[1], RowStatus::Rejected(RowCause::BadWeight));
    assert_eq!((t.unweighted.n, t.weighted.unwrap().n), (1, 1));
    let (st, t) = run(MissingWeight::UnweightedOnly);
    assert_eq!(st[1], RowStatus::UnweightedOnly);
    assert_eq!((t.unweighted.n, t.weighted.unwrap().n), (3, 1));
    let (_, t) = run(MissingWeight::Default(2.0));
    let w = t.weighted.unwrap();
    assert_eq!(w.n, 3);
    // Weights 1, 2, 2: NPS (1 + 2 − 2) / 5 = 20 points.
    let nps = w.get(CardMetric::Nps).unwrap().as_ref().unwrap();
    assert!(close(nps.value, 20.0));
    assert!(
        Survey::builder()
            .weight("w", MissingWeight::Default(-1.0))
            .nps("q")
            .build()
            .is_err()
    );
}

#[test]
fn declarations_are_checked() {
    use cxmetrics::Error;
    let missing = Survey::builder()
        .header(["a", "b"])
        .nps("c")
        .build()
        .unwrap_err();
    assert!(
        matches!(missing, Error::MissingColumn { ref column, .. } if column == "c"),
        "{missing}"
    );
    assert!(missing.to_string().contains("\"c\""));
    assert!(Survey::builder().build().is_err());
    assert!(Survey::builder().nps("a").nps("A").build().is_err());
    assert!(Survey::builder().nps("a").pair("a", "b").build().is_err());
    let five = (0..5).fold(Survey::builder().nps("q"), |b, i| b.group(&format!("g{i}")));
    assert!(matches!(five.build(), Err(Error::TooLarge { .. })));
}

#[test]
fn trends_adjust_within_the_chosen_family() {
    let (header, rows) = export();
    let s = survey_of(&rows, &header);
    let level = ConfidenceLevel::P95;
    for family in [Family::WithinGroup, Family::AcrossGroups, Family::Table] {
        let t = s
            .trends(
                "Q1_NPS",
                &TrendOptions::new(level)
                    .family(family)
                    .adjustment(Adjustment::Holm)
                    .unweighted(),
            )
            .unwrap();
        // Every adjusted p-value is Holm's over its family, recomputed here.
        let mut families: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for r in &t.rows {
            if let Some(Ok(c)) = &r.change {
                let id = match family {
                    Family::WithinGroup => r.group.join("/"),
                    Family::AcrossGroups => r.period.to_string(),
                    _ => String::new(),
                };
                families
                    .entry(id)
                    .or_default()
                    .push((c.p_value, c.adjusted_p_value.unwrap()));
            }
        }
        for members in families.values() {
            let ps: Vec<f64> = members.iter().map(|m| m.0).collect();
            let holm = cxmetrics::multiplicity::adjust(&ps, Adjustment::Holm).unwrap();
            for (m, h) in members.iter().zip(holm) {
                assert_eq!(m.1, h);
            }
        }
        // The change is the question-level comparison of the two tallies.
        let store_may = t
            .rows
            .iter()
            .find(|r| r.group == ["Store"] && r.period.to_string() == "2026-05")
            .unwrap();
        assert!(store_may.gap, "April has no Store answers");
        assert_eq!(store_may.base.unwrap().to_string(), "2026-03");
        let store_april = t
            .rows
            .iter()
            .find(|r| r.group == ["Store"] && r.period.to_string() == "2026-04")
            .unwrap();
        assert_eq!(store_april.n, 0);
        assert!(store_april.estimate.is_err());
    }
    // A chosen base period.
    let jan: Period = "2026-01".parse().unwrap();
    let t = s
        .trends("Q2_CSAT", &TrendOptions::new(level).base(Base::Period(jan)))
        .unwrap();
    assert!(
        t.rows
            .iter()
            .filter(|r| r.period != jan)
            .all(|r| r.base == Some(jan) || r.n == 0)
    );
    assert!(s.trends("nope", &TrendOptions::new(level)).is_err());
}

#[test]
fn labels_and_endpoints_of_real_exports() {
    let nps = CellParser::new(Scale::NPS)
        .label_set(LabelSet::LIKELIHOOD_11)
        .unwrap();
    for (cell, want) in [
        ("10 - Extremely likely", 10),
        ("0 - Not at all likely", 0),
        ("Extremely likely", 10),
        ("7", 7),
        ("5 – Neutral", 5),
    ] {
        assert_eq!(
            nps.parse(cell).unwrap().rating().unwrap().value(),
            want,
            "{cell}"
        );
    }
    assert!(nps.parse("11 - Way too likely").is_err());
    let p = CellParser::new(Scale::CSAT_5).also_not_applicable(["Don't know"]);
    for na in [
        "na",
        "NA",
        "n/a",
        "N/A",
        "",
        " - ",
        "don't know",
        "DON'T KNOW",
    ] {
        assert_eq!(p.parse(na).unwrap(), Response::NotApplicable, "{na:?}");
    }
    assert!(
        p.parse("-3 - x")
            .unwrap_err()
            .to_string()
            .contains("out of range")
    );
}

#[cfg(feature = "serde")]
#[test]
fn state_and_scorecard_serialize() {
    let (header, rows) = export();
    let s = survey_of(&rows[..500], &header);
    let state = s.state();
    let json = serde_json::to_string(&state).unwrap();
    let back: cxmetrics::survey::SurveyState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, state);
    let mut fresh = declared().header(&header).build().unwrap();
    fresh.merge_state(&back).unwrap();
    assert_eq!(fresh.state(), state);
    let card = s.scorecard(ConfidenceLevel::P95);
    let records = card.records();
    let json = serde_json::to_value(&records).unwrap();
    let first = &json[0];
    assert_eq!(first["question"], "Q1_NPS");
    assert!(first["groups"]["Channel"].is_string());
    let back: cxmetrics::survey::Scorecard =
        serde_json::from_str(&serde_json::to_string(&card).unwrap()).unwrap();
    assert_eq!(back, card);
}
