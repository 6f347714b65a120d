//! The engine-agnostic route: any SQL engine computes `COUNT(*)` (and
//! weight sums) grouped by key and score; the tally is finished in Rust.
//! Here the engine is DataFusion without the crate's functions.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{Rows, close, core_value, same_bits, str_column};
use cxmetrics::{Scale, Tally};
use datafusion::arrow::array::{Array, Float64Array, Int64Array};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;

#[tokio::test]
async fn counts_from_any_engine_make_the_same_tallies() {
    for dyadic in [true, false] {
        let rows = Rows::random(21, 5000, 9, Scale::NPS, 7, dyadic);
        let batches = rows.batches(300, false);
        let ctx = SessionContext::new();
        ctx.register_table(
            "answers",
            Arc::new(MemTable::try_new(batches[0].schema(), vec![batches]).unwrap()),
        )
        .unwrap();
        // Plain SQL, no cxmetrics function: NULL scores form their own group.
        let got = ctx
            .sql(
                "SELECT key, score, COUNT(*) AS n, SUM(weight) AS w, SUM(weight * weight) AS w2 \
                 FROM answers GROUP BY key, score",
            )
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        type Sums = (Vec<u64>, Vec<f64>, Vec<f64>, u64);
        let mut per_key: BTreeMap<String, Sums> = BTreeMap::new();
        let p = Scale::NPS.len();
        let keys = str_column(&got, "key");
        let mut row = 0;
        for b in &got {
            let score = b
                .column_by_name("score")
                .unwrap()
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap();
            let n = b
                .column_by_name("n")
                .unwrap()
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap();
            let w = b
                .column_by_name("w")
                .unwrap()
                .as_any()
                .downcast_ref::<Float64Array>()
                .unwrap();
            let w2 = b
                .column_by_name("w2")
                .unwrap()
                .as_any()
                .downcast_ref::<Float64Array>()
                .unwrap();
            for i in 0..b.num_rows() {
                let e = per_key
                    .entry(keys[row].clone())
                    .or_insert_with(|| (vec![0; p], vec![0.0; p], vec![0.0; p], 0));
                row += 1;
                let count = u64::try_from(n.value(i)).unwrap();
                if score.is_null(i) {
                    e.3 += count;
                } else {
                    let at =
                        usize::try_from(score.value(i) - i64::from(Scale::NPS.lowest())).unwrap();
                    e.0[at] = count;
                    e.1[at] = w.value(i);
                    e.2[at] = w2.value(i);
                }
            }
        }
        let expected_w = rows.tallies(Scale::NPS, true);
        let expected = rows.tallies(Scale::NPS, false);
        assert_eq!(per_key.len(), expected.len());
        for (k, (counts, w, w2, na)) in &per_key {
            // Unweighted: the core's own constructor from counts.
            let t = Tally::from_counts(Scale::NPS, counts).unwrap();
            assert_eq!(t.counts(), expected[k].counts());
            assert!(same_bits(
                core_value("nps", &t),
                core_value("nps", &expected[k])
            ));
            // Weighted: from the sums.
            let tw = Tally::from_weight_sums(Scale::NPS, counts, w, w2, *na).unwrap();
            assert_eq!(tw.not_applicable(), expected_w[k].not_applicable());
            for m in ["nps", "top2", "mean"] {
                let (a, b) = (core_value(m, &tw), core_value(m, &expected_w[k]));
                if dyadic {
                    assert!(same_bits(a, b), "{m} at {k}: {a:?} vs {b:?}");
                } else {
                    assert!(close(a, b), "{m} at {k}: {a:?} vs {b:?}");
                }
            }
        }
    }
}

#[test]
fn sums_that_break_a_tally_are_refused() {
    let c = [1u64, 0, 0, 0, 0];
    // A weight sum on a point without answers.
    assert!(
        Tally::from_weight_sums(
            Scale::CSAT_5,
            &c,
            &[1.0, 1.0, 0.0, 0.0, 0.0],
            &[1.0, 1.0, 0.0, 0.0, 0.0],
            0
        )
        .is_err()
    );
    // Wrong length, infinite, negative.
    assert!(Tally::from_weight_sums(Scale::CSAT_5, &c[..4], &[1.0; 4], &[1.0; 4], 0).is_err());
    let e = Tally::from_weight_sums(
        Scale::CSAT_5,
        &c,
        &[f64::INFINITY, 0.0, 0.0, 0.0, 0.0],
        &[1.0, 0.0, 0.0, 0.0, 0.0],
        0,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("weight sums must be finite and at least 0 (weight inf"),
        "{e}"
    );
    assert!(
        Tally::from_weight_sums(
            Scale::CSAT_5,
            &c,
            &[-1.0, 0.0, 0.0, 0.0, 0.0],
            &[1.0, 0.0, 0.0, 0.0, 0.0],
            0
        )
        .is_err()
    );
    let ok = Tally::from_weight_sums(
        Scale::CSAT_5,
        &c,
        &[1.0, 0.0, 0.0, 0.0, 0.0],
        &[1.0, 0.0, 0.0, 0.0, 0.0],
        3,
    )
    .unwrap();
    assert_eq!((ok.n(), ok.not_applicable()), (1, 3));
}
