//! The numerical rank of a replicate-weight matrix from its Gram matrix,
//! which merges by addition.

use crate::counting::sum::{exponent_of, ldexp};
use crate::foundation::error::Error;

/// Σᵢ rᵢ rᵢᵀ over the rows rᵢ of an n × R matrix, kept with compensated
/// (Neumaier) sums so that merging shards in any order gives the same
/// rank.
///
/// Column j is stored divided by 2^eⱼ, its values' largest power of two
/// (entry (i, j) holds Σ aᵢaⱼ·2^−(eᵢ+eⱼ)), so replicate weights of any
/// finite size (1e200, 1e-300) neither overflow nor underflow the sums;
/// the rank is unchanged by scaling columns. The exponents depend only on
/// the values seen, not their order.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Gram {
    columns: usize,
    rows: u64,
    sum: Vec<f64>,
    compensation: Vec<f64>,
    /// eⱼ per column (missing in payloads of 0.3.0 and before: all 0).
    #[cfg_attr(feature = "serde", serde(default))]
    exponents: Vec<i32>,
}

impl Gram {
    pub(crate) fn new(columns: usize) -> Gram {
        Gram {
            columns,
            rows: 0,
            sum: vec![0.0; columns * columns],
            compensation: vec![0.0; columns * columns],
            exponents: vec![0; columns],
        }
    }

    fn add(&mut self, at: usize, x: f64) {
        if let (Some(s), Some(c)) = (self.sum.get_mut(at), self.compensation.get_mut(at)) {
            let t = *s + x;
            *c += if s.abs() >= x.abs() {
                (*s - t) + x
            } else {
                (x - t) + *s
            };
            *s = t;
        }
    }

    fn exponent(&self, j: usize) -> i32 {
        self.exponents.get(j).copied().unwrap_or(0)
    }

    /// Whether column j has had no value other than 0 (its diagonal is 0,
    /// and then so is every entry of its row and column).
    fn column_is_empty(&self, j: usize) -> bool {
        let at = j * self.columns + j;
        self.sum.get(at).is_none_or(|&x| x == 0.0)
            && self.compensation.get(at).is_none_or(|&x| x == 0.0)
    }

    /// Sets column j's exponent to `e`: an empty column takes it as it is,
    /// others are rescaled (to a larger exponent only).
    fn raise(&mut self, j: usize, e: i32) {
        if self.exponents.len() != self.columns {
            self.exponents.resize(self.columns, 0);
        }
        if self.column_is_empty(j) {
            self.exponents[j] = e;
            return;
        }
        let delta = e - self.exponent(j);
        if delta <= 0 {
            return;
        }
        let r = self.columns;
        for i in 0..r {
            // Entry (min(i, j), max(i, j)) of the upper triangle; the
            // diagonal holds column j twice.
            let at = if i <= j { i * r + j } else { j * r + i };
            let by = if i == j { -2 * delta } else { -delta };
            for v in [self.sum.get_mut(at), self.compensation.get_mut(at)]
                .into_iter()
                .flatten()
            {
                *v = ldexp(*v, by);
            }
        }
        self.exponents[j] = e;
    }

    /// Adds one row (upper triangle only; the rank reads it symmetrically).
    pub(crate) fn add_row(&mut self, row: &[f64]) {
        let r = self.columns;
        for (j, &a) in row.iter().enumerate().take(r) {
            if let Some(e) = exponent_of(a.abs())
                && (self.column_is_empty(j) || e > self.exponent(j))
            {
                self.raise(j, e);
            }
        }
        let scaled: Vec<f64> = row
            .iter()
            .enumerate()
            .take(r)
            .map(|(j, &a)| ldexp(a, -self.exponent(j)))
            .collect();
        for (i, &a) in scaled.iter().enumerate() {
            if a == 0.0 {
                continue;
            }
            for (j, &b) in scaled.iter().enumerate().skip(i) {
                self.add(i * r + j, a * b);
            }
        }
        self.rows += 1;
    }

    pub(crate) fn merge(&mut self, other: &Gram) -> Result<(), Error> {
        if other.columns != self.columns {
            return Err(Error::InvalidDesign {
                reason: format!(
                    "replicate designs with {} and {} replicates cannot merge",
                    self.columns, other.columns
                ),
            });
        }
        let r = self.columns;
        for j in 0..r {
            if !other.column_is_empty(j)
                && (self.column_is_empty(j) || other.exponent(j) > self.exponent(j))
            {
                self.raise(j, other.exponent(j));
            }
        }
        // Other's entry (i, j) in this Gram's scale.
        let shift: Vec<i32> = (0..r)
            .map(|j| other.exponent(j) - self.exponent(j))
            .collect();
        for (at, (s, c)) in other.sum.iter().zip(&other.compensation).enumerate() {
            let by = shift[at / r] + shift[at % r];
            self.add(at, ldexp(*s, by));
            self.add(at, ldexp(*c, by));
        }
        self.rows += other.rows;
        Ok(())
    }

    /// Whether the sums have the shape of `columns` columns.
    #[cfg(feature = "serde")]
    pub(crate) fn fits(&self, columns: usize) -> bool {
        self.columns == columns
            && self.sum.len() == columns * columns
            && self.compensation.len() == columns * columns
            && (self.exponents.is_empty() || self.exponents.len() == columns)
            // The powers of two of finite doubles: exponent arithmetic
            // cannot overflow.
            && self.exponents.iter().all(|e| (-1100..=1100).contains(e))
    }

    fn entry(&self, i: usize, j: usize) -> f64 {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        let at = i * self.columns + j;
        self.sum.get(at).copied().unwrap_or(0.0) + self.compensation.get(at).copied().unwrap_or(0.0)
    }

    /// The rank R's `qr(RW, tol)$rank` finds (LINPACK `dqrdc2`): columns
    /// are taken left to right, and a column counts when the norm of its
    /// part orthogonal to the columns already counted is at least `tol`
    /// times its own norm; at most n columns count. Here the orthogonal
    /// parts come from a Cholesky factorisation of the Gram matrix
    /// (squared norms against tol²).
    pub(crate) fn rank(&self, tol: f64) -> usize {
        let r = self.columns;
        let mut kept: Vec<usize> = Vec::new();
        // Row i of the factor: coefficients of kept column i.
        let mut factor: Vec<Vec<f64>> = Vec::new();
        for j in 0..r {
            if kept.len() as u64 >= self.rows {
                break;
            }
            let norm2 = self.entry(j, j);
            if !(norm2 > 0.0 && norm2.is_finite()) {
                continue;
            }
            let mut v = Vec::with_capacity(kept.len() + 1);
            for (i, &k) in kept.iter().enumerate() {
                let dot: f64 = (0..i).map(|m| factor[i][m] * v[m]).sum();
                v.push((self.entry(k, j) - dot) / factor[i][i]);
            }
            let residual = norm2 - v.iter().map(|x| x * x).sum::<f64>();
            if residual >= tol * tol * norm2 {
                v.push(residual.sqrt());
                kept.push(j);
                factor.push(v);
            }
        }
        kept.len()
    }
}
