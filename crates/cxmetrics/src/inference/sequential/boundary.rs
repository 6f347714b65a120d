//! The two-sided normal-mixture boundary and its tuning.
//!
//! For a process S_t whose increments are σ²-sub-Gaussian (or, for the
//! asymptotic sequence, approximately Gaussian) with intrinsic time
//! V_t = σ²·t, mixing exp(λS − λ²V/2) over λ ~ N(0, 1/ρ) gives the
//! nonnegative supermartingale √(ρ/(V + ρ))·exp(S²/(2(V + ρ))), and
//! Ville's inequality gives, with probability at least 1 − α, for all t:
//!
//! ```text
//! |S_t| < u(V_t) = √((V_t + ρ) · ln((V_t + ρ)/(ρ α²)))
//! ```
//!
//! (Robbins 1970; Howard et al. 2021, eq. (14), two-sided). At a target
//! intrinsic time m the boundary is smallest for
//! ρ = m/(x − 1), x = −W₋₁(−α²/e), the root above 1 of x − ln x = 1 + 2 ln(1/α)
//! (Howard et al. 2021, §3.5; their closed-form approximation
//! x − 1 ≈ 2 ln(1/α) + ln(1 + 2 ln(1/α)) is what `confseq` uses).

use crate::foundation::error::Error;

/// x = −W₋₁(−α²/e) for 0 < α < 1: the root above 1 of
/// x − ln x = 1 + 2 ln(1/α) =: c, by Newton's method from the asymptotic
/// start c + ln c·(1 + 1/c) (Corless et al. 1996, eq. 4.19), or from 2c + 1
/// when that is not above 1; the function is convex, so after at most one
/// step the iterates decrease monotonically to the root.
pub(crate) fn lambert_x(alpha: f64) -> f64 {
    let c = 1.0 - 2.0 * alpha.ln();
    let start = c + c.ln() * (1.0 + 1.0 / c);
    let mut x = if start > 1.0 + 1e-3 {
        start
    } else {
        2.0 * c + 1.0
    };
    for _ in 0..200 {
        let f = x - x.ln() - c;
        let step = f / (1.0 - 1.0 / x);
        let next = x - step;
        if next.is_nan() || next <= 1.0 || !next.is_finite() {
            break;
        }
        let done = (x - next).abs() <= 4.0 * f64::EPSILON * x;
        x = next;
        if done {
            break;
        }
    }
    x
}

/// −W₋₁(−α²/e) − 1: the target intrinsic time divided by the optimal ρ.
pub(crate) fn rho_divisor(alpha: f64) -> f64 {
    // x − 1 computed as 2 ln(1/α) + ln x, which keeps precision when x is
    // close to 1 (α close to 1).
    let x = lambert_x(alpha);
    -2.0 * alpha.ln() + x.ln()
}

/// The two-sided normal-mixture boundary √((v + ρ) ln((v + ρ)/(ρ α²))).
pub(crate) fn normal_mixture(v: f64, rho: f64, alpha: f64) -> f64 {
    let vr = v + rho;
    (vr * ((v / rho).ln_1p() - 2.0 * alpha.ln())).sqrt()
}

/// The mixture precision ρ for which the two-sided normal-mixture
/// boundary at level 1 − α is tightest at intrinsic time `v_opt`:
/// ρ = v_opt / (−W₋₁(−α²/e) − 1) (Howard et al. 2021, §3.5).
///
/// # Errors
///
/// [`Error::InvalidArgument`] unless 0 < α < 1 and `v_opt` is positive
/// and finite, or when ρ would not be a positive finite number (`v_opt`
/// near the smallest doubles).
///
/// # Example
///
/// ```
/// use cxmetrics::sequential;
/// // α = 0.05: −W₋₁(−0.0025/e) − 1 ≈ 8.212.
/// let rho = sequential::optimal_rho(1000.0, 0.05)?;
/// assert!((1000.0 / rho - 8.212).abs() < 1e-3);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn optimal_rho(v_opt: f64, alpha: f64) -> Result<f64, Error> {
    check_alpha(alpha)?;
    if !(v_opt > 0.0 && v_opt.is_finite()) {
        return Err(Error::InvalidArgument {
            name: "target intrinsic time",
            value: v_opt,
            expected: "a positive finite number",
        });
    }
    let rho = v_opt / rho_divisor(alpha);
    if rho > 0.0 && rho.is_finite() {
        Ok(rho)
    } else {
        // v_opt near the subnormals (ρ underflows to 0), or α so near 1
        // that the divisor vanishes.
        Err(Error::InvalidArgument {
            name: "target intrinsic time",
            value: v_opt,
            expected: "a target intrinsic time whose rho is a positive finite number",
        })
    }
}

/// The two-sided normal-mixture boundary on a sum,
/// u(v) = √((v + ρ) · ln((v + ρ)/(ρ α²))): with probability at least
/// 1 − α, a σ²-sub-Gaussian sum S_t stays within ±u(σ²t) for every t at
/// once (Howard et al. 2021, eq. (14)).
///
/// # Errors
///
/// [`Error::InvalidArgument`] unless 0 < α < 1, `v` ≥ 0 and finite and
/// `rho` positive and finite, or when the boundary overflows `f64`.
///
/// # Example
///
/// ```
/// use cxmetrics::sequential;
/// let u = sequential::normal_mixture_boundary(100.0, 10.0, 0.05)?;
/// assert!((u - (110.0f64 * (11.0f64.ln() + 2.0 * 20.0f64.ln())).sqrt()).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn normal_mixture_boundary(v: f64, rho: f64, alpha: f64) -> Result<f64, Error> {
    check_alpha(alpha)?;
    if !(v >= 0.0 && v.is_finite()) {
        return Err(Error::InvalidArgument {
            name: "intrinsic time",
            value: v,
            expected: "a finite number at least 0",
        });
    }
    if !(rho > 0.0 && rho.is_finite()) {
        return Err(Error::InvalidArgument {
            name: "mixture precision rho",
            value: rho,
            expected: "a positive finite number",
        });
    }
    let u = normal_mixture(v, rho, alpha);
    if u.is_finite() {
        Ok(u)
    } else {
        Err(Error::InvalidArgument {
            name: "intrinsic time",
            value: v,
            expected: "an intrinsic time, rho and alpha whose boundary is a finite number",
        })
    }
}

pub(crate) fn check_alpha(alpha: f64) -> Result<(), Error> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "alpha",
            value: alpha,
            expected: "a number strictly between 0 and 1",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambert_root_solves_its_equation() {
        for alpha in [0.5, 0.1, 0.05, 0.01, 0.001, 1e-10] {
            let x = lambert_x(alpha);
            let c = 1.0 - 2.0 * f64::ln(alpha);
            assert!((x - x.ln() - c).abs() < 1e-13 * c, "{alpha}");
            // and it is W₋₁: x > 1.
            assert!(x > 1.0);
        }
    }
}
