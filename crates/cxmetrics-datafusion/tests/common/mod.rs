//! Shared test data: random survey answers and the core's results on them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use cxmetrics::{Mean, Nps, Response, Scale, Tally, TopBox, Weight};
use datafusion::arrow::array::{
    Array, ArrayRef, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Int32Type, Schema};

/// A small deterministic generator (xorshift64*), so that failures repeat.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Survey rows: a key, a score (NULL = missing) and a weight.
#[derive(Clone, Debug)]
pub struct Rows {
    pub keys: Vec<String>,
    pub scores: Vec<Option<i64>>,
    pub weights: Vec<f64>,
}

impl Rows {
    /// `n` rows over `keys` keys on `scale`, with about `null_pct` % NULL
    /// scores. `dyadic` weights (multiples of 1/8 up to 4) add up exactly
    /// in any order; otherwise weights are arbitrary positive numbers and
    /// some are 0.
    pub fn random(
        seed: u64,
        n: usize,
        keys: u64,
        scale: Scale,
        null_pct: u64,
        dyadic: bool,
    ) -> Rows {
        let mut r = Rng(seed.max(1));
        let points = scale.len() as u64;
        let mut rows = Rows {
            keys: vec![],
            scores: vec![],
            weights: vec![],
        };
        for _ in 0..n {
            let k = r.below(keys);
            rows.keys.push(format!("k{k:03}"));
            // Skew each key's distribution a little so keys differ.
            let s = if r.below(100) < null_pct {
                None
            } else {
                let a = r.below(points);
                let b = r.below(points);
                Some(
                    i64::from(scale.lowest())
                        + if k.is_multiple_of(2) {
                            a.max(b)
                        } else {
                            a.min(b)
                        } as i64,
                )
            };
            rows.scores.push(s);
            let w = if dyadic {
                (1 + r.below(32)) as f64 / 8.0
            } else if r.below(20) == 0 {
                0.0
            } else {
                (r.next() >> 11) as f64 / (1u64 << 53) as f64 * 3.0 + 0.05
            };
            rows.weights.push(w);
        }
        rows
    }

    /// The core's tally per key (weighted or not).
    pub fn tallies(&self, scale: Scale, weighted: bool) -> BTreeMap<String, Tally> {
        let mut out: BTreeMap<String, Tally> = BTreeMap::new();
        for i in 0..self.keys.len() {
            let t = out
                .entry(self.keys[i].clone())
                .or_insert_with(|| Tally::new(scale));
            let resp = match self.scores[i] {
                None => Response::NotApplicable,
                Some(s) => {
                    let rating = scale.rating(s).unwrap();
                    if weighted {
                        Response::weighted(rating, Weight::new(self.weights[i]).unwrap())
                    } else {
                        Response::from(rating)
                    }
                }
            };
            t.push(resp).unwrap();
        }
        out
    }

    /// The rows as record batches of about `per_batch` rows; keys plain or
    /// dictionary-encoded.
    pub fn batches(&self, per_batch: usize, dict: bool) -> Vec<RecordBatch> {
        let key_type = if dict {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        } else {
            DataType::Utf8
        };
        let schema = Arc::new(Schema::new(vec![
            Field::new("key", key_type, false),
            Field::new("score", DataType::Int64, true),
            Field::new("weight", DataType::Float64, false),
        ]));
        let mut out = vec![];
        let mut start = 0;
        while start < self.keys.len() || out.is_empty() {
            let end = (start + per_batch).min(self.keys.len());
            let keys: Vec<&str> = self.keys[start..end].iter().map(String::as_str).collect();
            let key: ArrayRef = if dict {
                Arc::new(keys.into_iter().collect::<DictionaryArray<Int32Type>>())
            } else {
                Arc::new(StringArray::from(keys))
            };
            let score: ArrayRef = Arc::new(Int64Array::from(self.scores[start..end].to_vec()));
            let weight: ArrayRef = Arc::new(Float64Array::from(self.weights[start..end].to_vec()));
            out.push(RecordBatch::try_new(schema.clone(), vec![key, score, weight]).unwrap());
            start = end;
            if start >= self.keys.len() {
                break;
            }
        }
        out
    }
}

/// The core's point value of a metric, `None` for a tally without answers.
pub fn core_value(metric: &str, t: &Tally) -> Option<f64> {
    if t.n() == 0 {
        return None;
    }
    Some(match metric {
        "nps" => Nps::from_tally(t).unwrap().score(),
        "csat" | "top2" => TopBox::top(t, 2).unwrap().share(),
        "top1" => TopBox::top(t, 1).unwrap().share(),
        "bottom2" => TopBox::bottom(t, 2).unwrap().share(),
        "mean" => Mean::from_tally(t).unwrap().mean(),
        other => panic!("unknown metric {other}"),
    })
}

/// Column `name` of a result as f64 options.
pub fn f64_column(batches: &[RecordBatch], name: &str) -> Vec<Option<f64>> {
    let mut out = vec![];
    for b in batches {
        let c = b.column_by_name(name).unwrap();
        let c = c.as_any().downcast_ref::<Float64Array>().unwrap();
        out.extend((0..c.len()).map(|i| c.is_valid(i).then(|| c.value(i))));
    }
    out
}

/// Column `name` of a result as strings (via Arrow's cast).
pub fn str_column(batches: &[RecordBatch], name: &str) -> Vec<String> {
    let mut out = vec![];
    for b in batches {
        let c = b.column_by_name(name).unwrap();
        let c = datafusion::arrow::compute::cast(c, &DataType::Utf8).unwrap();
        let c = c.as_any().downcast_ref::<StringArray>().unwrap();
        out.extend((0..c.len()).map(|i| c.value(i).to_string()));
    }
    out
}

/// Bitwise equality of optional floats (NaN never expected).
pub fn same_bits(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x.to_bits() == y.to_bits(),
        _ => false,
    }
}

/// Relative closeness (1e-12, or 1e-12 absolute near zero).
pub fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0),
        _ => false,
    }
}
