//! Average run lengths of CUSUM and EWMA charts by Markov chains.
//!
//! The statistic's continuous state space is cut into m cells; the chart
//! becomes a Markov chain on them with the out-of-limits region absorbing,
//! and the average run length from the starting cell is the first entry of
//! (I − P)⁻¹·1 (Brook & Evans 1972 for the CUSUM; Lucas & Saccucci 1990 for
//! the EWMA). The observations are the standardized period statistics
//! zₜ ~ N(δ, 1), δ the shift in standard errors (0 in control).

use crate::foundation::error::Error;
use crate::math::dist;

/// Cells of the CUSUM chain on [0, h).
pub(crate) const CUSUM_CELLS: usize = 200;
/// Cells of the EWMA chain on (−h, h) (odd, so that 0 is a cell's centre).
pub(crate) const EWMA_CELLS: usize = 201;

fn phi(x: f64) -> f64 {
    0.5 * dist::erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// x = (I − P)⁻¹·1 by Gaussian elimination (I − P is strictly diagonally
/// dominant by rows, since each row of P sums to less than 1, so no
/// pivoting is needed), returning x[start].
fn run_length(mut a: Vec<f64>, m: usize, start: usize) -> f64 {
    let mut b = vec![1.0; m];
    for k in 0..m {
        let pivot = a[k * m + k];
        for i in k + 1..m {
            let factor = a[i * m + k] / pivot;
            if factor != 0.0 {
                for j in k..m {
                    a[i * m + j] -= factor * a[k * m + j];
                }
                b[i] -= factor * b[k];
            }
        }
    }
    let mut x = vec![0.0; m];
    for i in (0..m).rev() {
        let mut s = b[i];
        for j in i + 1..m {
            s -= a[i * m + j] * x[j];
        }
        x[i] = s / a[i * m + i];
    }
    x[start]
}

/// The ARL of the one-sided upper CUSUM Cₜ = max(0, Cₜ₋₁ + zₜ − k),
/// signalling at Cₜ ≥ h, from C₀ = 0 (Brook & Evans 1972): cell 0 is
/// [0, w/2) (the atom at 0 with its neighbourhood), cell j ≥ 1 is
/// [(j − ½)w, (j + ½)w), w = 2h/(2m − 1).
pub(crate) fn cusum_one_sided(k: f64, h: f64, shift: f64, m: usize) -> f64 {
    let w = 2.0 * h / (2.0 * m as f64 - 1.0);
    let mut a = vec![0.0; m * m];
    for i in 0..m {
        let ci = i as f64 * w;
        for j in 0..m {
            // Cell j is (lo, hi] of the standardized increment (−∞ for
            // cell 0); the diagonal 1 − P(i → i) is summed from the two
            // tails, not subtracted from 1, so that a chain that almost
            // never leaves its cell (a large shift away from this side)
            // keeps a positive pivot and a finite, huge run length.
            let cj = j as f64 * w;
            let hi = cj + 0.5 * w - ci + k - shift;
            let lo = cj - 0.5 * w - ci + k - shift;
            a[i * m + j] = match (i == j, j == 0) {
                (true, true) => phi(-hi),
                (true, false) => phi(lo) + phi(-hi),
                (false, true) => -phi(hi),
                (false, false) => -(phi(hi) - phi(lo)),
            };
        }
    }
    run_length(a, m, 0)
}

/// The ARL of the two-sided CUSUM (upper and lower charts with the same k
/// and h): 1/ARL = 1/ARL⁺(δ) + 1/ARL⁻(δ), with ARL⁻(δ) = ARL⁺(−δ)
/// (Lucas & Crosier 1982; exact when the two sides cannot both be above 0,
/// which holds in practice for k ≥ ½ and close to it otherwise).
pub(crate) fn cusum(k: f64, h: f64, shift: f64) -> f64 {
    let up = cusum_one_sided(k, h, shift, CUSUM_CELLS);
    let down = cusum_one_sided(k, h, -shift, CUSUM_CELLS);
    1.0 / (1.0 / up + 1.0 / down)
}

/// The ARL of the EWMA Zₜ = λzₜ + (1 − λ)Zₜ₋₁, Z₀ = 0, signalling at
/// |Zₜ| > L·√(λ/(2 − λ)) (the asymptotic limits), by the chain of Lucas &
/// Saccucci (1990): m cells of width w = 2h/m on (−h, h), transitions
/// P(i → j) = Φ((c_j + w/2 − (1 − λ)cᵢ)/λ − δ) − Φ((c_j − w/2 − (1 − λ)cᵢ)/λ − δ).
pub(crate) fn ewma(lambda: f64, width: f64, shift: f64) -> f64 {
    let m = EWMA_CELLS;
    let h = width * (lambda / (2.0 - lambda)).sqrt();
    let w = 2.0 * h / m as f64;
    let centre = |j: usize| -h + (j as f64 + 0.5) * w;
    let mut a = vec![0.0; m * m];
    for i in 0..m {
        let from = (1.0 - lambda) * centre(i);
        for j in 0..m {
            let cj = centre(j);
            let hi = (cj + 0.5 * w - from) / lambda - shift;
            let lo = (cj - 0.5 * w - from) / lambda - shift;
            // 1 − P(i → i) from the two tails (see `cusum_one_sided`).
            a[i * m + j] = if i == j {
                phi(lo) + phi(-hi)
            } else {
                -(phi(hi) - phi(lo))
            };
        }
    }
    run_length(a, m, m / 2)
}

/// The parameter in `[lo, hi]` at which the increasing function `arl`
/// reaches `target`: bracketing, then regula falsi (Illinois) on ln ARL.
pub(crate) fn calibrate(
    arl: impl Fn(f64) -> f64,
    target: f64,
    mut lo: f64,
    hi_limit: f64,
) -> Option<f64> {
    let goal = target.ln();
    let f = |x: f64| arl(x).ln() - goal;
    let mut f_lo = f(lo);
    if f_lo.is_nan() || f_lo >= 0.0 {
        return None;
    }
    let mut hi = (2.0 * lo).max(1.0);
    let mut f_hi = f(hi);
    while f_hi.is_nan() || f_hi < 0.0 {
        if f_hi.is_nan() || hi >= hi_limit {
            return None;
        }
        lo = hi;
        f_lo = f_hi;
        hi = (hi * 1.5).min(hi_limit);
        f_hi = f(hi);
    }
    let mut side = 0i8;
    for _ in 0..100 {
        if (hi - lo) <= 1e-10 * hi {
            break;
        }
        let mut x = lo - f_lo * (hi - lo) / (f_hi - f_lo);
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        let fx = f(x);
        if fx.is_nan() {
            return None;
        }
        if fx.abs() < 1e-12 {
            return Some(x);
        }
        if fx < 0.0 {
            lo = x;
            f_lo = fx;
            if side == -1 {
                f_hi *= 0.5;
            }
            side = -1;
        } else {
            hi = x;
            f_hi = fx;
            if side == 1 {
                f_lo *= 0.5;
            }
            side = 1;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Checks an average run length target.
pub(crate) fn check_arl(arl0: f64) -> Result<(), Error> {
    if (2.0..=1e6).contains(&arl0) {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "in-control average run length",
            value: arl0,
            expected: "a number of periods from 2 to 1e6",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Montgomery (2009), Table 9.3: the two-sided tabular CUSUM with
    /// k = ½ has ARL₀ = 168 at h = 4 and 465 at h = 5.
    #[test]
    fn cusum_matches_the_textbook_table() {
        assert!(
            (cusum(0.5, 4.0, 0.0) - 168.0).abs() < 1.5,
            "{}",
            cusum(0.5, 4.0, 0.0)
        );
        assert!(
            (cusum(0.5, 5.0, 0.0) - 465.0).abs() < 3.0,
            "{}",
            cusum(0.5, 5.0, 0.0)
        );
    }

    /// Lucas & Saccucci (1990), Table 3: λ = 0.1, L = 2.814 and λ = 0.2,
    /// L = 2.962 give ARL₀ ≈ 500.
    #[test]
    fn ewma_matches_lucas_saccucci() {
        let a = ewma(0.1, 2.814, 0.0);
        let b = ewma(0.2, 2.962, 0.0);
        assert!((a - 500.0).abs() < 5.0, "{a}");
        assert!((b - 500.0).abs() < 5.0, "{b}");
    }
}
