//! The incomplete beta ratio when one shape is small, where the usual
//! complement 1 − I would cancel.
//!
//! With a shape b below 1, Beta(a, b) piles its mass up near 1: past the
//! mean-like point x₀ = (a+1)/(a+b+2), where the continued fraction is
//! evaluated for the complement I_{1−x}(b, a), I_x(a, b) itself can be as
//! small as b, and 1 minus the complement leaves rounding noise. Two ways
//! round it:
//!
//! - [`complement_for_tiny_shape`]: TOMS 708's `apser` (Didonato & Morris
//!   1992), first order in the shape, exact to double precision for a shape
//!   below 10⁻¹⁵ and cheap:
//!   I_{1−x}(b, a) = −a (ln x + ψ(b) + γ + x − bx + Σ_{j≥2} t_j / j), with
//!   t_j = t_{j−1} (x − bx/j), t_1 = x − bx.
//! - [`integral_in_log_tail`]: for any b below 1, the integral of the
//!   density from x₀ to x after the substitution u = −ln(1 − t), where it
//!   is a slowly decaying exponential (integrated exactly) plus a term that
//!   decays like e^{−u} (integrated by Gauss–Legendre): I_x(a, b) is then
//!   I_{x₀}(a, b) plus a sum of positive parts, accurate relatively.

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

/// ∫ from u₀ to u₁ of (1 − e^{−u})^{a−1} e^{−bu} du, for 0 < u₀ ≤ u₁ and
/// b ≥ 0: that is ∫ t^{a−1} (1 − t)^{b−1} dt from 1 − e^{−u₀} to
/// 1 − e^{−u₁}. Split as ∫ e^{−bu} du, exact, plus
/// ∫ ((1 − e^{−u})^{a−1} − 1) e^{−bu} du, whose integrand decays like
/// e^{−u}: Gauss–Legendre on panels no wider than 2 or half their distance
/// from the log singularity at u = 0, up to 45 past u₀ (the rest is below
/// e^{−45} of the first part). NaN for arguments outside that range.
pub(crate) fn integral_in_log_tail(a: f64, b: f64, u0: f64, u1: f64) -> f64 {
    if !(a > 0.0 && b >= 0.0 && u0 > 0.0 && u1 >= u0 && u1.is_finite()) {
        return f64::NAN;
    }
    let width = u1 - u0;
    let r = b * width;
    // (e^{−b u₀} − e^{−b u₁}) / b, and its limit u₁ − u₀ as b → 0.
    let flat = if r < 1e-8 {
        width * (1.0 - 0.5 * r)
    } else {
        -(-r).exp_m1() / b
    } * (-b * u0).exp();
    let bump = |u: f64| ((a - 1.0) * (-(-u).exp()).ln_1p()).exp_m1() * (-b * u).exp();
    let end = u1.min(u0 + 45.0);
    let (mut lo, mut sum) = (u0, 0.0);
    while lo < end {
        let hi = (lo + (0.5 * lo).min(2.0)).min(end);
        sum += gauss_legendre(&bump, lo, hi);
        lo = hi;
    }
    flat + sum
}

/// The 10-point Gauss–Legendre rule on [lo, hi]: exact for polynomials up
/// to degree 19.
fn gauss_legendre(f: &impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    const NODES: [(f64, f64); 5] = [
        (0.148_874_338_981_631_22, 0.295_524_224_714_752_87),
        (0.433_395_394_129_247_2, 0.269_266_719_309_996_35),
        (0.679_409_568_299_024_4, 0.219_086_362_515_982_04),
        (0.865_063_366_688_984_5, 0.149_451_349_150_580_6),
        (0.973_906_528_517_171_7, 0.066_671_344_308_688_14),
    ];
    let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
    half * NODES
        .iter()
        .map(|&(node, weight)| weight * (f(mid - half * node) + f(mid + half * node)))
        .sum::<f64>()
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
    fn log_tail_integral_matches_closed_forms() {
        // a = 1: ∫ e^{−bu} du exactly; b = 0 too: u₁ − u₀.
        let got = integral_in_log_tail(1.0, 0.5, 1.0, 3.0);
        let want = ((-0.5_f64).exp() - (-1.5_f64).exp()) / 0.5;
        assert!((got - want).abs() <= 1e-15 * want, "{got} vs {want}");
        assert_eq!(integral_in_log_tail(1.0, 0.0, 1.0, 3.5), 2.5);
        // a = 2, b = 0.5: ∫ t (1 − t)^{−1/2} dt = [−2(1−t)^{1/2} + (2/3)(1−t)^{3/2}],
        // from t₀ = 1 − e^{−u₀} to t₁ = 1 − e^{−u₁}, by hand.
        let (u0, u1) = (0.5_f64, 30.0_f64);
        let antiderivative = |u: f64| {
            let s = (-u).exp();
            -2.0 * s.sqrt() + 2.0 / 3.0 * s.powf(1.5)
        };
        let want = antiderivative(u1) - antiderivative(u0);
        let got = integral_in_log_tail(2.0, 0.5, u0, u1);
        assert!((got - want).abs() <= 1e-15 * want, "{got} vs {want}");
        // a = ½, b = 1: ∫ t^{−1/2} dt = 2(√t₁ − √t₀).
        let t = |u: f64| -(-u).exp_m1();
        let want = 2.0 * (t(u1).sqrt() - t(u0).sqrt());
        let got = integral_in_log_tail(0.5, 1.0, u0, u1);
        assert!((got - want).abs() <= 1e-14 * want, "{got} vs {want}");
        assert!(integral_in_log_tail(1.0, 0.5, 3.0, 1.0).is_nan());
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
