//! Tango's score interval for a Net Promoter Score.
//!
//! NPS is the difference of two shares of one multinomial sample
//! (promoters minus detractors), exactly the setting of Tango's (1998)
//! score interval for the difference of paired proportions, where the
//! discordant cells play promoters and detractors. Rocks (2016) found it
//! the best-covering NPS interval (his R package `NPS` calls it
//! `iterative`).

/// The bounds (as fractions on −1..=1) of Tango's score interval for
/// `promoters` and `detractors` out of `n` (all possibly fractional, for
/// weighted data or an effective n), at critical value `z`.
///
/// For a candidate difference Δ,
///
/// ```text
/// T(Δ) = (P − D − nΔ) / √(n (2q + Δ(1 − Δ)))
/// q    = (√(B² − 4AC) − B)/(2A),  A = 2n,  B = −P − D + (2n − P + D)Δ,  C = −DΔ(1 − Δ)
/// ```
///
/// (q is the constrained maximum-likelihood detractor share). T decreases
/// in Δ; the lower bound solves T = z and the upper T = −z. Solved by
/// bisection to the last bit: T costs a square root, so 60-odd halvings
/// take well under a microsecond and cannot fail to converge.
pub(crate) fn bounds(promoters: f64, detractors: f64, n: f64, z: f64) -> (f64, f64) {
    let estimate = (promoters - detractors) / n;
    if promoters <= 0.0 && detractors <= 0.0 {
        // Closed form: T(Δ) = ∓√(nΔ/(1 − Δ)) on either side of 0.
        let w = z * z / (n + z * z);
        return (-w, w);
    }
    let t = |delta: f64| statistic(promoters, detractors, n, delta);
    let lower = if detractors >= n {
        -1.0
    } else {
        solve(|d| t(d) - z, -1.0, estimate.min(1.0))
    };
    let upper = if promoters >= n {
        1.0
    } else {
        solve(|d| t(d) + z, estimate.max(-1.0), 1.0)
    };
    (lower.min(estimate), upper.max(estimate))
}

/// Tango's score statistic T(Δ).
pub(crate) fn statistic(promoters: f64, detractors: f64, n: f64, delta: f64) -> f64 {
    let a = 2.0 * n;
    let b = -promoters - detractors + (2.0 * n - promoters + detractors) * delta;
    let c = -detractors * delta * (1.0 - delta);
    let root = (b * b - 4.0 * a * c).max(0.0).sqrt();
    // The root of A q² + B q + C = 0 that is a share, without cancellation.
    let q = if b <= 0.0 {
        (root - b) / (2.0 * a)
    } else {
        2.0 * c / (-b - root)
    };
    let numerator = promoters - detractors - n * delta;
    let var = n * (2.0 * q + delta * (1.0 - delta));
    if var > 0.0 {
        numerator / var.sqrt()
    } else if numerator > 0.0 {
        f64::INFINITY
    } else if numerator < 0.0 {
        f64::NEG_INFINITY
    } else {
        0.0
    }
}

/// The root of a decreasing function g on (lo, hi), with g(lo) > 0 >
/// g(hi) (the end points themselves are not evaluated), by bisection until
/// the bracket cannot shrink.
fn solve(g: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        let v = g(mid);
        if v > 0.0 {
            lo = mid;
        } else if v < 0.0 {
            hi = mid;
        } else {
            return mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_promoters_or_detractors_has_the_closed_form() {
        let z = 1.959963984540054;
        let (l, u) = bounds(0.0, 0.0, 20.0, z);
        let w = z * z / (20.0 + z * z);
        assert_eq!((l, u), (-w, w));
    }

    #[test]
    fn bounds_solve_the_score_equations() {
        let z = 1.6448536269514722;
        for (p, d, n) in [
            (7.0, 1.0, 10.0),
            (60.0, 15.0, 100.0),
            (3.0, 2.0, 605.0),
            (0.0, 4.0, 4.0),
            (9.0, 0.0, 9.0),
        ] {
            let (l, u) = bounds(p, d, n, z);
            let est = (p - d) / n;
            assert!(l <= est && est <= u);
            if d < n {
                assert!((statistic(p, d, n, l) - z).abs() < 1e-9, "{p} {d} {n}");
            } else {
                assert_eq!(l, -1.0);
            }
            if p < n {
                assert!((statistic(p, d, n, u) + z).abs() < 1e-9, "{p} {d} {n}");
            } else {
                assert_eq!(u, 1.0);
            }
        }
    }
}
