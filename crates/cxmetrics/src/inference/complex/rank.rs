//! The numerical rank of a replicate-weight matrix from its Gram matrix,
//! which merges by addition.

use crate::foundation::error::Error;

/// Σᵢ rᵢ rᵢᵀ over the rows rᵢ of an n × R matrix, kept with compensated
/// (Neumaier) sums so that merging shards in any order gives the same
/// rank.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Gram {
    columns: usize,
    rows: u64,
    sum: Vec<f64>,
    compensation: Vec<f64>,
}

impl Gram {
    pub(crate) fn new(columns: usize) -> Gram {
        Gram {
            columns,
            rows: 0,
            sum: vec![0.0; columns * columns],
            compensation: vec![0.0; columns * columns],
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

    /// Adds one row (upper triangle only; the rank reads it symmetrically).
    pub(crate) fn add_row(&mut self, row: &[f64]) {
        let r = self.columns;
        for (i, &a) in row.iter().enumerate().take(r) {
            if a == 0.0 {
                continue;
            }
            for (j, &b) in row.iter().enumerate().take(r).skip(i) {
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
        for (at, (s, c)) in other.sum.iter().zip(&other.compensation).enumerate() {
            self.add(at, *s);
            self.add(at, *c);
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
