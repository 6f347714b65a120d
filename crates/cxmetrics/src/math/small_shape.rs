//! The incomplete beta ratio when one shape is tiny, where the usual
//! complement 1 − I would cancel to nothing.
//!
//! With a shape a below 10⁻¹⁵ (and below 10⁻¹⁵ times the other shape),
//! nearly all of Beta(a, b)'s mass sits at 0, I_x(a, b) is 1 − O(a) for
//! every x, and 1 − I_x(a, b) = I_{1−x}(b, a) is of the order of a: one
//! minus a value that rounds to 1 is 0, or rounding noise. TOMS 708's
//! `apser` (Didonato & Morris 1992) gives it to first order in a, which is
//! exact to double precision at such a:
//! I_{1−x}(b, a) = −a (ln x + ψ(b) + γ + x − bx + Σ_{j≥2} t_j / j), with
//! t_j = t_{j−1} (x − bx/j), t_1 = x − bx.

/// Euler's constant γ.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// A shape is "tiny" below this (TOMS 708's ε): the first-order expansion
/// is then exact to double precision.
const TINY_SHAPE: f64 = 1e-15;

/// I_{1−x}(b, a), that is 1 − I_x(a, b), for a tiny shape `a` (below
/// 10⁻¹⁵ and below 10⁻¹⁵·b) with b·x ≤ 1 and 0 < x ≤ ½, where the
/// expansion converges fast; `None` elsewhere (the caller's 1 − I is then
/// accurate enough) or when the sum is not a probability.
pub(crate) fn complement_for_tiny_shape(a: f64, b: f64, x: f64) -> Option<f64> {
    if !(a > 0.0 && a < TINY_SHAPE && a < TINY_SHAPE * b && x > 0.0 && x <= 0.5 && b * x <= 1.0) {
        return None;
    }
    let bx = b * x;
    let mut t = x - bx;
    let c = x.ln() + digamma(b) + EULER_GAMMA + t;
    let tol = 5.0 * f64::EPSILON * c.abs();
    let mut s = 0.0;
    // |t_j| ≤ x^j ≤ 2^−j once j > bx: at most a few hundred terms.
    for j in 2..2_000 {
        let j = f64::from(j);
        t *= x - bx / j;
        let term = t / j;
        s += term;
        if term.abs() <= tol {
            break;
        }
    }
    let value = -a * (c + s);
    (value > 0.0 && value <= 1.0).then_some(value)
}

/// The digamma function ψ(x) = d ln Γ(x)/dx for x > 0: the recurrence
/// ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
/// (absolute error below 1e-15 there). NaN for x not positive.
pub(crate) fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x == f64::INFINITY {
        return f64::INFINITY;
    }
    let (mut z, mut shift) = (x, 0.0);
    while z < 10.0 {
        shift -= 1.0 / z;
        z += 1.0;
    }
    let r2 = 1.0 / (z * z);
    // ln z − 1/(2z) − Σ B_{2k} / (2k z^{2k}).
    let series = r2
        * (1.0 / 12.0
            - r2 * (1.0 / 120.0
                - r2 * (1.0 / 252.0
                    - r2 * (1.0 / 240.0 - r2 * (1.0 / 132.0 - r2 * (691.0 / 32_760.0))))));
    shift + z.ln() - 0.5 / z - series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_matches_known_values() {
        // ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, ψ(x + 1) = ψ(x) + 1/x.
        // (The recurrence's sum cancels to a few ulps below x = 10.)
        assert!((digamma(1.0) + EULER_GAMMA).abs() < 1e-14 * EULER_GAMMA);
        let half = -EULER_GAMMA - 2.0 * std::f64::consts::LN_2;
        assert!((digamma(0.5) - half).abs() < 1e-14 * half.abs());
        // mpmath.digamma(10.5), (1e-5), (1234.5) at 30 digits.
        for (x, want) in [
            (10.5, 2.3030010342976865),
            (1e-5, -100000.57719921568),
            (1234.5, 7.118016231827998),
        ] {
            let got = digamma(x);
            assert!(
                (got - want).abs() <= 1e-14 * want.abs(),
                "{x}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn complement_is_first_order_in_the_tiny_shape() {
        // For b = 1, 1 − I_x(a, 1) = 1 − x^a = −a ln x + O(a²).
        let (a, x) = (1e-20, 0.25_f64);
        let got = complement_for_tiny_shape(a, 1.0, x).unwrap();
        let want = -a * x.ln();
        assert!((got - want).abs() <= 1e-15 * want, "{got} vs {want}");
        // Outside its range it declines.
        assert!(complement_for_tiny_shape(1e-3, 1.0, x).is_none());
        assert!(complement_for_tiny_shape(a, 1.0, 0.75).is_none());
    }
}
