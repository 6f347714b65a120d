//! Every SQL function against the core crate on the same data: random and
//! edge cases, NULLs, weights, bad scores, one partition and many.

mod common;

use std::sync::Arc;

use common::{Rows, close, core_value, f64_column, same_bits, str_column};
use cxmetrics::{ConfidenceLevel, Nps, Scale, Tally, TopBox};
use datafusion::arrow::array::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::error::Result;
use datafusion::prelude::{SessionConfig, SessionContext};

/// A context with the functions and `answers` split into `partitions`.
fn context(rows: &Rows, partitions: usize, dict: bool) -> SessionContext {
    let batches = rows.batches(97, dict);
    let schema = batches[0].schema();
    let mut parts: Vec<Vec<RecordBatch>> = vec![vec![]; partitions];
    for (i, b) in batches.into_iter().enumerate() {
        parts[i % partitions].push(b);
    }
    let config = SessionConfig::new().with_target_partitions(partitions);
    let mut ctx = SessionContext::new_with_config(config);
    cxmetrics_datafusion::register(&mut ctx).unwrap();
    ctx.register_table(
        "answers",
        Arc::new(MemTable::try_new(schema, parts).unwrap()),
    )
    .unwrap();
    ctx
}

async fn query(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    ctx.sql(sql).await?.collect().await
}

/// (function call, core metric, scale) of every point-value aggregate.
const CASES: &[(&str, &str, Scale)] = &[
    ("nps(score)", "nps", Scale::NPS),
    ("csat(score)", "csat", Scale::CSAT_5),
    ("top_box(score, 1)", "top1", Scale::CSAT_5),
    ("top_box(score, 2, 'csat5')", "top2", Scale::CSAT_5),
    ("bottom_box(score, 2)", "bottom2", Scale::CSAT_5),
    (
        "bottom_box(score, 2, '1..=5 lower is better')",
        "bottom2",
        Scale::CES_5,
    ),
    ("ces(score)", "mean", Scale::CES_7),
    ("ces(score, 'ces5')", "mean", Scale::CES_5),
    ("cx_mean(score)", "mean", Scale::CSAT_5),
    ("cx_mean(score, '0..=10')", "mean", Scale::NPS),
    ("nps(score, '0-10')", "nps", Scale::NPS),
];

/// Adds the weight column to a call: `f(score, …)` → `f(score, weight, …)`
/// (the weight comes before the scale and after `k`).
fn weighted_call(call: &str) -> String {
    let inner = &call[call.find('(').unwrap() + 1..call.len() - 1];
    let name = &call[..call.find('(').unwrap()];
    let mut parts: Vec<&str> = inner.split(", ").collect();
    let at = if name.ends_with("_box") { 2 } else { 1 };
    parts.insert(at, "weight");
    format!("{name}({})", parts.join(", "))
}

async fn check_all(seed: u64, n: usize, keys: u64, partitions: usize, dict: bool) {
    for &(call, metric, scale) in CASES {
        for weighted in [false, true] {
            // Dyadic weights add up exactly in any order, so the results
            // must be equal bit for bit.
            let rows = Rows::random(seed, n, keys, scale, 10, true);
            let ctx = context(&rows, partitions, dict);
            let call = if weighted {
                weighted_call(call)
            } else {
                call.to_string()
            };
            let sql = format!(
                "SELECT CAST(key AS TEXT) AS key, {call} AS v FROM answers GROUP BY key ORDER BY key"
            );
            let got = query(&ctx, &sql).await.unwrap();
            let expected = rows.tallies(scale, weighted);
            let keys_got = str_column(&got, "key");
            let values = f64_column(&got, "v");
            assert_eq!(
                keys_got,
                expected.keys().cloned().collect::<Vec<_>>(),
                "{sql}"
            );
            for ((k, t), v) in expected.iter().zip(values) {
                let want = core_value(metric, t);
                assert!(
                    same_bits(v, want),
                    "{sql} at {k}: {v:?} != core {want:?} (partitions {partitions})"
                );
            }
            // Ungrouped: the per-group Accumulator path.
            let all = query(&ctx, &format!("SELECT {call} AS v FROM answers"))
                .await
                .unwrap();
            let mut total = Tally::new(scale);
            for t in expected.values() {
                total.merge(t).unwrap();
            }
            let v = f64_column(&all, "v")[0];
            let want = core_value(metric, &total);
            assert!(same_bits(v, want), "{call} ungrouped: {v:?} != {want:?}");
        }
    }
}

#[tokio::test]
async fn every_aggregate_equals_the_core_one_partition() {
    check_all(1, 3000, 7, 1, false).await;
}

#[tokio::test]
async fn every_aggregate_equals_the_core_many_partitions() {
    check_all(2, 5000, 13, 4, false).await;
}

#[tokio::test]
async fn dictionary_encoded_keys() {
    check_all(3, 2000, 5, 3, true).await;
}

#[tokio::test]
async fn arbitrary_weights_agree_to_rounding() {
    for partitions in [1, 4] {
        let rows = Rows::random(9, 4000, 6, Scale::NPS, 5, false);
        let ctx = context(&rows, partitions, false);
        let got = query(
            &ctx,
            "SELECT key, nps(score, weight) AS v, cx_mean(score, weight, 'nps') AS m FROM answers GROUP BY key ORDER BY key",
        )
        .await
        .unwrap();
        let expected = rows.tallies(Scale::NPS, true);
        for ((t, v), m) in expected
            .values()
            .zip(f64_column(&got, "v"))
            .zip(f64_column(&got, "m"))
        {
            assert!(
                close(v, core_value("nps", t)),
                "{v:?} vs {:?}",
                core_value("nps", t)
            );
            assert!(close(m, core_value("mean", t)));
        }
    }
}

#[tokio::test]
async fn nulls_are_not_applicable_and_empty_groups_are_null() {
    let rows = Rows {
        keys: ["a", "a", "a", "b", "b", "c"].map(String::from).to_vec(),
        scores: vec![Some(10), None, Some(0), None, None, Some(9)],
        weights: vec![1.0; 6],
    };
    let ctx = context(&rows, 2, false);
    let got = query(
        &ctx,
        "SELECT key, nps(score) AS v, get_field(cx_tally(score), 'not_applicable') AS na, \
         get_field(cx_tally(score), 'counts') AS counts FROM answers GROUP BY key ORDER BY key",
    )
    .await
    .unwrap();
    let v = f64_column(&got, "v");
    assert_eq!(v, vec![Some(0.0), None, Some(100.0)]);
    assert_eq!(str_column(&got, "na"), ["1", "2", "0"]);
    assert_eq!(
        str_column(&got, "counts")[0],
        "[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]"
    );
    // No rows at all: NULL, as SQL aggregates do.
    let none = query(
        &ctx,
        "SELECT nps(score) AS v FROM answers WHERE key = 'zzz'",
    )
    .await
    .unwrap();
    assert_eq!(f64_column(&none, "v"), vec![None]);
    // A FILTER clause skips rows entirely (they are not "not applicable").
    let f = query(
        &ctx,
        "SELECT get_field(cx_tally(score) FILTER (WHERE key <> 'b'), 'not_applicable') AS na FROM answers",
    )
    .await
    .unwrap();
    assert_eq!(str_column(&f, "na"), ["1"]);
}

async fn error_of(ctx: &SessionContext, sql: &str) -> String {
    match query(ctx, sql).await {
        Ok(b) => panic!("{sql} should fail, gave {b:?}"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn bad_input_fails_with_the_core_message() {
    let ctx = SessionContext::new();
    let mut ctx2 = ctx.clone();
    cxmetrics_datafusion::register(&mut ctx2).unwrap();
    let e = error_of(&ctx, "SELECT nps(s) FROM (VALUES (10), (11)) AS t(s)").await;
    assert!(e.contains("score 11 is outside scale 0..=10"), "{e}");
    // In one process the core's error itself is in the error's sources.
    let err = query(&ctx, "SELECT nps(s) FROM (VALUES (10), (11)) AS t(s)")
        .await
        .unwrap_err();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    let mut core = None;
    while let Some(e) = source {
        if let Some(c) = e.downcast_ref::<cxmetrics::Error>() {
            core = Some(c.to_string());
        }
        source = e.source();
    }
    let want = Scale::NPS.rating(11).unwrap_err().to_string();
    assert!(core.is_some_and(|c| c.ends_with(&want)), "{err:?}");
    // Its Debug text (what Ballista sends between processes) says it too.
    assert!(
        format!("{err:?}").contains("score 11 is outside scale 0..=10"),
        "{err:?}"
    );
    let e = error_of(
        &ctx,
        "SELECT csat(s) FROM (VALUES (CAST(4.5 AS DOUBLE))) AS t(s)",
    )
    .await;
    let core = Scale::CSAT_5.rating(4.5).unwrap_err().to_string();
    assert!(e.contains(&core), "{e} should contain {core}");
    let e = error_of(&ctx, "SELECT nps(s, w) FROM (VALUES (10, -1.0)) AS t(s, w)").await;
    let core = cxmetrics::Weight::new(-1.0).unwrap_err().to_string();
    assert!(e.contains(&core), "{e}");
    let e = error_of(
        &ctx,
        "SELECT nps(s, w) FROM (VALUES (10, CAST(NULL AS DOUBLE))) AS t(s, w)",
    )
    .await;
    assert!(e.contains("weight of the answer 10 (row 0) is NULL"), "{e}");
    let e = error_of(&ctx, "SELECT top_box(s, 9) FROM (VALUES (1)) AS t(s)").await;
    let core = TopBox::top(&Tally::new(Scale::CSAT_5), 9)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&core), "{e} should contain {core}");
    let e = error_of(
        &ctx,
        "SELECT nps(s, 'one to ten') FROM (VALUES (1)) AS t(s)",
    )
    .await;
    assert!(e.contains("\"one to ten\" is not understood"), "{e}");
    let e = error_of(&ctx, "SELECT nps(s, 'nps', 1.0) FROM (VALUES (1)) AS t(s)").await;
    assert!(e.contains("usage: nps(score [, weight] [, scale])"), "{e}");
    let e = error_of(&ctx, "SELECT top_box(s, s) FROM (VALUES (1)) AS t(s)").await;
    assert!(e.contains("k must be"), "{e}");
    let e = error_of(&ctx, "SELECT nps(s) FROM (VALUES ('x')) AS t(s)").await;
    assert!(
        e.contains("the score must be an integer or float column"),
        "{e}"
    );
    // A weighted group whose weights are all zero: the core's error.
    let e = error_of(&ctx, "SELECT nps(s, w) FROM (VALUES (10, 0.0)) AS t(s, w)").await;
    let mut t = Tally::new(Scale::NPS);
    t.push(cxmetrics::Response::weighted(
        Scale::NPS.rating(10).unwrap(),
        cxmetrics::Weight::new(0.0).unwrap(),
    ))
    .unwrap();
    let core = Nps::from_tally(&t).unwrap_err().to_string();
    assert!(e.contains(&core), "{e} should contain {core}");
}

#[tokio::test]
async fn every_score_type_works() {
    let mut ctx = SessionContext::new();
    cxmetrics_datafusion::register(&mut ctx).unwrap();
    let want = Nps::from_tally(&Tally::from_scores(Scale::NPS, &[10u8, 9, 3, 7]).unwrap())
        .unwrap()
        .score();
    for t in [
        "TINYINT",
        "SMALLINT",
        "INT",
        "BIGINT",
        "TINYINT UNSIGNED",
        "SMALLINT UNSIGNED",
        "INT UNSIGNED",
        "BIGINT UNSIGNED",
        "FLOAT",
        "DOUBLE",
        "DECIMAL(4,1)",
    ] {
        let sql =
            format!("SELECT nps(CAST(s AS {t})) AS v FROM (VALUES (10), (9), (3), (7)) AS x(s)");
        let got = query(&ctx, &sql).await.unwrap();
        assert_eq!(f64_column(&got, "v"), vec![Some(want)], "{t}");
    }
    // Off-scale values of wide unsigned types are caught, not wrapped.
    let e = error_of(&ctx, "SELECT cx_mean(CAST(s AS BIGINT UNSIGNED), '-3..=3') FROM (VALUES (18446744073709551613)) AS x(s)").await;
    assert!(e.contains("outside scale -3..=3"), "{e}");
    // An all-NULL column typed NULL is all "not applicable".
    let got = query(&ctx, "SELECT nps(NULL) AS v, get_field(cx_tally(NULL), 'not_applicable') AS na FROM (VALUES (1), (2)) AS x(s)").await.unwrap();
    assert_eq!(f64_column(&got, "v"), vec![None]);
    assert_eq!(str_column(&got, "na"), ["2"]);
}

#[tokio::test]
async fn tallies_store_merge_and_estimate() {
    let rows = Rows::random(5, 4000, 12, Scale::NPS, 8, true);
    for partitions in [1, 3] {
        let ctx = context(&rows, partitions, false);
        query(
            &ctx,
            "CREATE TABLE monthly AS SELECT key, cx_tally(score, weight) AS t FROM answers GROUP BY key",
        )
        .await
        .unwrap();
        // Re-aggregated: the total equals the core's merge of all keys.
        let got = query(
            &ctx,
            "SELECT cx_estimate(cx_merge(t), 'nps', 0.9, 'wald') AS e, \
                    cx_estimate(cx_merge(t), 'top2', 0.99, 'clopper_pearson') AS c, \
                    cx_estimate(cx_merge(t), 'mean') AS m FROM monthly",
        )
        .await
        .unwrap();
        let mut total = Tally::new(Scale::NPS);
        for t in rows.tallies(Scale::NPS, true).values() {
            total.merge(t).unwrap();
        }
        let nps = Nps::from_tally(&total)
            .unwrap()
            .estimate_with(
                cxmetrics::interval::NpsMethod::Wald,
                ConfidenceLevel::new(0.9).unwrap(),
            )
            .unwrap();
        let (num, text) = flat(&ctx, &got, "e").await;
        assert_eq!(num, numbers_of(&nps));
        assert_eq!(text, ["Wald", "NPS points", ""]);
        let share = TopBox::top(&total, 2)
            .unwrap()
            .estimate_with(
                cxmetrics::interval::ProportionMethod::ClopperPearson,
                ConfidenceLevel::new(0.99).unwrap(),
            )
            .unwrap();
        let (num, text) = flat(&ctx, &got, "c").await;
        assert_eq!(num, numbers_of(&share));
        assert_eq!(text, ["Clopper-Pearson", "share", ""]);
        let mean = cxmetrics::Mean::from_tally(&total)
            .unwrap()
            .estimate(ConfidenceLevel::P95)
            .unwrap();
        let (num, text) = flat(&ctx, &got, "m").await;
        assert_eq!(num, numbers_of(&mean));
        assert_eq!(text, ["Student t", "scale points", ""]);
    }
}

/// The first row of estimate column `col`: its numbers (value, lower,
/// upper, std_error, n, effective_n, level) and its texts (method, unit,
/// error; "" for NULL).
async fn flat(
    ctx: &SessionContext,
    batches: &[RecordBatch],
    col: &str,
) -> (Vec<Option<f64>>, Vec<String>) {
    let numbers = [
        "value",
        "lower",
        "upper",
        "std_error",
        "n",
        "effective_n",
        "level",
    ];
    let texts = ["method", "unit", "error"];
    let tmp = MemTable::try_new(batches[0].schema(), vec![batches.to_vec()]).unwrap();
    ctx.deregister_table("tmp_flat").unwrap();
    ctx.register_table("tmp_flat", Arc::new(tmp)).unwrap();
    let select: Vec<String> = numbers
        .iter()
        .map(|f| format!("CAST(get_field({col}, '{f}') AS DOUBLE) AS {f}"))
        .chain(
            texts
                .iter()
                .map(|f| format!("COALESCE(get_field({col}, '{f}'), '') AS {f}")),
        )
        .collect();
    let b = query(ctx, &format!("SELECT {} FROM tmp_flat", select.join(", ")))
        .await
        .unwrap();
    (
        numbers.iter().map(|f| f64_column(&b, f)[0]).collect(),
        texts.iter().map(|f| str_column(&b, f)[0].clone()).collect(),
    )
}

fn numbers_of(e: &cxmetrics::Estimate) -> Vec<Option<f64>> {
    [
        e.value,
        e.interval.lower,
        e.interval.upper,
        e.std_error,
        e.n as f64,
        e.effective_n,
        e.level.get(),
    ]
    .into_iter()
    .map(Some)
    .collect()
}

#[tokio::test]
async fn estimates_that_the_core_refuses_say_why() {
    let mut ctx = SessionContext::new();
    cxmetrics_datafusion::register(&mut ctx).unwrap();
    let got = query(
        &ctx,
        "SELECT cx_estimate(cx_tally(s), 'nps', 0.95, 'trinomial_t') AS e FROM (VALUES (10)) AS x(s)",
    )
    .await
    .unwrap();
    let (num, text) = flat(&ctx, &got, "e").await;
    let core = Nps::from_tally(&Tally::from_scores(Scale::NPS, &[10u8]).unwrap())
        .unwrap()
        .estimate_with(
            cxmetrics::interval::NpsMethod::TrinomialT,
            ConfidenceLevel::P95,
        )
        .unwrap_err()
        .to_string();
    assert_eq!(num, vec![None; 7]);
    assert_eq!(text, ["", "", core.as_str()]);
    // No answers: the core's "empty" message.
    let got = query(
        &ctx,
        "SELECT cx_estimate(cx_tally(s), 'csat') AS e FROM (VALUES (CAST(NULL AS INT))) AS x(s)",
    )
    .await
    .unwrap();
    let (_, text) = flat(&ctx, &got, "e").await;
    let mut one_missing = Tally::new(Scale::NPS);
    one_missing
        .push(cxmetrics::Response::NotApplicable)
        .unwrap();
    assert_eq!(
        text[2],
        TopBox::top(&one_missing, 2).unwrap_err().to_string()
    );
    // Bad arguments fail the query.
    let e = error_of(
        &ctx,
        "SELECT cx_estimate(cx_tally(s), 'median') FROM (VALUES (1)) AS x(s)",
    )
    .await;
    assert!(e.contains("\"median\" is not understood"), "{e}");
    let e = error_of(
        &ctx,
        "SELECT cx_estimate(cx_tally(s), 'nps', 1.5) FROM (VALUES (1)) AS x(s)",
    )
    .await;
    assert!(
        e.contains(&ConfidenceLevel::new(1.5).unwrap_err().to_string()),
        "{e}"
    );
    let e = error_of(
        &ctx,
        "SELECT cx_estimate(cx_tally(s), 'nps', 0.9, 'wilson') FROM (VALUES (1)) AS x(s)",
    )
    .await;
    assert!(e.contains("not one for a nps interval"), "{e}");
    let e = error_of(&ctx, "SELECT cx_merge(t) FROM (SELECT cx_tally(s) AS t FROM (VALUES (1)) AS x(s) UNION ALL SELECT cx_tally(s, 'csat5') FROM (VALUES (1)) AS y(s))").await;
    // A stored tally keeps points and direction, not its question.
    let stored = |lo, hi| Scale::new(lo, hi, cxmetrics::Polarity::HigherIsBetter).unwrap();
    let core = Tally::new(stored(0, 10))
        .merge(&Tally::new(stored(1, 5)))
        .unwrap_err()
        .to_string();
    assert!(e.contains(&core), "{e} should contain {core}");
}

#[tokio::test]
async fn many_groups_skip_partial_aggregation() {
    // With the probe thresholds at their minimum, the partial aggregate
    // hands rows on as states (`convert_to_state`).
    let rows = Rows::random(11, 6000, 900, Scale::NPS, 10, true);
    let batches = rows.batches(500, false);
    let schema = batches[0].schema();
    let parts: Vec<Vec<RecordBatch>> = batches.chunks(3).map(<[RecordBatch]>::to_vec).collect();
    let mut config = SessionConfig::new().with_target_partitions(4);
    let opts = config.options_mut();
    opts.execution.skip_partial_aggregation_probe_rows_threshold = 10;
    opts.execution
        .skip_partial_aggregation_probe_ratio_threshold = 0.0;
    let mut ctx = SessionContext::new_with_config(config);
    cxmetrics_datafusion::register(&mut ctx).unwrap();
    ctx.register_table(
        "answers",
        Arc::new(MemTable::try_new(schema, parts).unwrap()),
    )
    .unwrap();
    let got = query(
        &ctx,
        "SELECT key, nps(score, weight) AS v FROM answers GROUP BY key ORDER BY key",
    )
    .await
    .unwrap();
    let expected = rows.tallies(Scale::NPS, true);
    let values = f64_column(&got, "v");
    assert_eq!(values.len(), expected.len());
    for (t, v) in expected.values().zip(values) {
        assert!(same_bits(v, core_value("nps", t)));
    }
}

#[tokio::test]
async fn extreme_weights_neither_overflow_nor_underflow() {
    // Σw² of 1e300 weights passes f64::MAX and of 1e-300 weights falls below
    // the smallest f64: the core keeps sums at a power of two per group,
    // and so do the aggregates and the stored tallies.
    let mut ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(3));
    cxmetrics_datafusion::register(&mut ctx).unwrap();
    for w in [1e300, 3e-300] {
        let rows = [(10, w), (10, 2.0 * w), (9, w), (3, 0.5 * w), (8, 0.0)];
        let values: Vec<String> = rows
            .iter()
            .map(|(s, x)| format!("({s}, CAST({x:e} AS DOUBLE))"))
            .collect();
        let sql = format!(
            "SELECT nps(s, w) AS nps,
                    cx_estimate(cx_tally(s, w), 'nps', 0.95, 'wald')['lower'] AS lower,
                    cx_estimate(cx_merge(t), 'nps', 0.95, 'wald')['upper'] AS upper
             FROM (SELECT s, w, cx_tally(s, w) OVER (ORDER BY s) AS t
                   FROM (VALUES {}) AS v(s, w))",
            values.join(", ")
        );
        let mut core = Tally::new(Scale::NPS);
        for (s, x) in rows {
            core.push(cxmetrics::Response::weighted(
                Scale::NPS.rating(s).unwrap(),
                cxmetrics::Weight::new(x).unwrap(),
            ))
            .unwrap();
        }
        let nps = Nps::from_tally(&core).unwrap();
        let wald = nps
            .estimate_with(cxmetrics::interval::NpsMethod::Wald, ConfidenceLevel::P95)
            .unwrap();
        let b = query(&ctx, &sql).await.unwrap();
        assert!(close(f64_column(&b, "nps")[0], Some(nps.score())), "w {w}");
        assert!(
            close(f64_column(&b, "lower")[0], Some(wald.interval.lower)),
            "w {w}"
        );
        assert!(wald.interval.lower.is_finite() && wald.interval.upper.is_finite());
        // The merged running tallies count every answer more than once,
        // but stay finite.
        assert!(
            f64_column(&b, "upper")[0].is_some_and(f64::is_finite),
            "w {w}"
        );
    }
}
