//! The Bayesian credible interval of a Net Promoter Score under the
//! Jeffreys prior Dirichlet(½, ½, ½), computed exactly (by quadrature of a
//! one-dimensional integral, not by simulation).
//!
//! With P promoters, A passives and D detractors, the posterior of the
//! (promoter, passive, detractor) shares is Dirichlet(a, b, c) with
//! a = P + ½, b = A + ½, c = D + ½, and NPS/100 = X − Y (X the promoter
//! share, Y the detractor share). X ~ Beta(a, b + c), and given X = x,
//! Y = (1 − x)V with V ~ Beta(c, b), so
//!
//! ```text
//! F(t) = P(X − Y ≤ t) = I_{max(t,0)}(a, b + c)
//!        + ∫_{max(t,0)}^{(1+t)/2} f_X(x) · I_{1−u(x)}(b, c) dx,   u(x) = (x − t)/(1 − x)
//! f(t) = ∫_{max(t,0)}^{(1+t)/2} f_X(x) · f_V(u(x)) / (1 − x) dx      (its density)
//! ```
//!
//! The integral runs over the part of [max(t, 0), (1 + t)/2] where f_X has
//! mass (found from its log-density), mapped by x = L + (R − L)·w²(3 − 2w):
//! the end points carry powers (x − L)^{k+½} (half-integer parameters),
//! which the map turns into polynomials in w, so Gauss–Legendre converges
//! fast. The quantiles solve F(t) = α/2 and 1 − α/2 by safeguarded Newton
//! steps (the density comes from the same pass), cheap rules first and a
//! fine rule for the last steps.

use std::f64::consts::PI;
use std::sync::OnceLock;

use crate::dist;

/// A Gauss–Legendre rule on (0, 1): nodes and weights.
struct Rule {
    nodes: Vec<f64>,
    weights: Vec<f64>,
}

impl Rule {
    /// The n-point rule, nodes by Newton's method on the Legendre
    /// recurrence (accurate to a few ulps).
    fn new(n: usize) -> Rule {
        let mut nodes = Vec::with_capacity(n);
        let mut weights = Vec::with_capacity(n);
        let nf = n as f64;
        for i in 0..n {
            // Tricomi's initial guess for the i-th root of P_n on (−1, 1).
            let mut x = (PI * (i as f64 + 0.75) / (nf + 0.5)).cos();
            let mut derivative = 1.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0, x);
                for k in 2..=n {
                    let kf = k as f64;
                    let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
                    p0 = p1;
                    p1 = p2;
                }
                derivative = nf * (x * p1 - p0) / (x * x - 1.0);
                let step = p1 / derivative;
                x -= step;
                if step.abs() <= 1e-16 {
                    break;
                }
            }
            nodes.push(0.5 * (1.0 - x));
            weights.push(1.0 / ((1.0 - x * x) * derivative * derivative));
        }
        Rule { nodes, weights }
    }
}

/// The coarse rule for the first Newton steps and the fine rule for the
/// last.
fn rules() -> &'static (Rule, Rule) {
    static RULES: OnceLock<(Rule, Rule)> = OnceLock::new();
    RULES.get_or_init(|| (Rule::new(COARSE), Rule::new(FINE)))
}

const COARSE: usize = 16;
const FINE: usize = 48;

/// The Dirichlet posterior of the three shares.
struct Posterior {
    /// Promoters + ½.
    a: f64,
    /// Passives + ½.
    b: f64,
    /// Detractors + ½.
    c: f64,
    /// Where X ~ Beta(a, b + c) has its mass: beyond, its density is below
    /// e^{−46} of its peak.
    window: (f64, f64),
}

/// The substitution x = lo + (hi − lo)·s(w) on (0, 1).
#[derive(Clone, Copy)]
enum Map {
    Linear,
    Lower,
    Upper,
    Both,
}

impl Map {
    fn new(lower: bool, upper: bool) -> Map {
        match (lower, upper) {
            (false, false) => Map::Linear,
            (true, false) => Map::Lower,
            (false, true) => Map::Upper,
            (true, true) => Map::Both,
        }
    }

    /// (s, 1 − s, ds/dw), each without cancellation.
    fn at(self, w: f64) -> (f64, f64, f64) {
        let v = 1.0 - w;
        match self {
            Map::Linear => (w, v, 1.0),
            Map::Lower => (w * w, v * (1.0 + w), 2.0 * w),
            Map::Upper => (w * (1.0 + v), v * v, 2.0 * v),
            Map::Both => (w * w * (3.0 - 2.0 * w), v * v * (1.0 + 2.0 * w), 6.0 * w * v),
        }
    }
}

impl Posterior {
    fn new(promoters: f64, passives: f64, detractors: f64) -> Posterior {
        let (a, b, c) = (promoters + 0.5, passives + 0.5, detractors + 0.5);
        let beta = b + c;
        let s = a + beta;
        let mean = a / s;
        let sd = (a * beta / (s * s * (s + 1.0))).sqrt();
        let ln_f = |x: f64| dist::beta_ln_density(a, beta, x, 1.0 - x);
        // The density's peak: its mode, or the mean when it has no
        // interior mode (then the window reaches the end anyway).
        let peak = if a > 1.0 && beta > 1.0 {
            ln_f((a - 1.0) / (s - 2.0))
        } else {
            ln_f(mean)
        };
        let floor = peak - 40.0;
        // Step out one standard deviation at a time from 6 (where a normal
        // density has dropped by e^{−18}), faster once far out.
        let reach = |dir: f64| {
            let mut k = 6.0;
            loop {
                let x = mean + dir * k * sd;
                if x <= 0.0 || x >= 1.0 || ln_f(x) <= floor {
                    return x.clamp(0.0, 1.0);
                }
                k += if k < 16.0 { 1.0 } else { 0.25 * k };
            }
        };
        let lo = if a <= 1.0 { 0.0 } else { reach(-1.0) };
        let hi = if beta <= 1.0 { 1.0 } else { reach(1.0) };
        Posterior {
            a,
            b,
            c,
            window: (lo, hi),
        }
    }

    /// (F(t), f(t)) with the given rule.
    fn cdf(&self, t: f64, rule: &Rule) -> (f64, f64) {
        let (a, b, c) = (self.a, self.b, self.c);
        let beta = b + c;
        let left = t.max(0.0);
        let right = 0.5 * (1.0 + t);
        let base = if t > 0.0 {
            dist::beta_cdf_pair(a, beta, t, 1.0 - t).0
        } else {
            0.0
        };
        let lo = left.max(self.window.0);
        let hi = right.min(self.window.1);
        if hi <= lo {
            return (base, 0.0);
        }
        let width = hi - lo;
        // The end points that are the integral's own limits carry powers
        // (x − L)^{k+½} or (R − x)^{k+½}; map w² onto them. Window edges
        // inside the limits need nothing (the integrand is negligible there).
        let map = Map::new(lo <= left, hi >= right);
        let (mut cdf, mut density) = (0.0, 0.0);
        for (&w, &weight) in rule.nodes.iter().zip(&rule.weights) {
            let (s, s1, ds) = map.at(w);
            // x − t and (1 + t)/2 − x, each without cancellation.
            let x = lo + width * s;
            let above_t = (lo - t) + width * s;
            let below_right = (right - hi) + width * s1;
            let y = 1.0 - x;
            let u = above_t / y;
            let u1 = 2.0 * below_right / y;
            if !(u > 0.0 && u1 > 0.0 && y > 0.0 && x > 0.0) {
                continue;
            }
            let fx = dist::beta_ln_density(a, beta, x, y).exp();
            let g = dist::beta_cdf_pair(b, c, u1, u).0;
            let fv = dist::beta_ln_density(c, b, u, u1).exp();
            let h = weight * width * ds * fx;
            cdf += h * g;
            density += h * fv / y;
        }
        ((base + cdf).clamp(0.0, 1.0), density)
    }

    /// The p-quantile of X − Y.
    fn quantile(&self, p: f64) -> f64 {
        let (coarse, fine) = rules();
        let (a, b, c) = (self.a, self.b, self.c);
        let s = a + b + c;
        let mean = (a - c) / s;
        let var = (a * (s - a) + c * (s - c) + 2.0 * a * c) / (s * s * (s + 1.0));
        let sd = var.sqrt();
        let mut t = (mean + dist::normal_quantile_unchecked(p) * sd).clamp(-1.0 + 1e-12, 1.0 - 1e-12);
        let (mut lo, mut hi) = (-1.0, 1.0);
        let mut fine_steps = 0;
        for _ in 0..200 {
            let rule = if fine_steps > 0 { fine } else { coarse };
            let (f, density) = self.cdf(t, rule);
            let resid = f - p;
            if resid < 0.0 {
                lo = t;
            } else if resid > 0.0 {
                hi = t;
            } else if fine_steps > 0 {
                return t;
            }
            let newton = t - resid / density;
            let next = if newton > lo && newton < hi && newton.is_finite() {
                newton
            } else {
                0.5 * (lo + hi)
            };
            let step = (next - t).abs();
            if fine_steps == 0 {
                // Switch to the fine rule once the coarse one has settled.
                if step <= 1e-6 * sd || hi - lo <= 1e-6 * sd {
                    // The coarse rule's bracket may be off by its error.
                    fine_steps = 1;
                    (lo, hi) = (-1.0, 1.0);
                }
            } else {
                fine_steps += 1;
                // A Newton step this small leaves an error of its square.
                if step <= 1e-10 * sd || hi - lo <= 4e-16 * hi.abs().max(lo.abs()) {
                    return next;
                }
            }
            t = next;
        }
        t
    }
}

/// The equal-tailed credible interval of the NPS fraction (−1..=1) at
/// probability `level`, for (possibly fractional) counts.
pub(crate) fn bounds(promoters: f64, passives: f64, detractors: f64, level: f64) -> (f64, f64) {
    let posterior = Posterior::new(promoters, passives, detractors);
    let half = 0.5 * (1.0 - level);
    (posterior.quantile(half), posterior.quantile(1.0 - half))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn debug_cdf() {
        for (pp,aa,dd,ts) in [(100.0, 60.0, 40.0, [0.15, 0.2, 0.3, 0.38]), (0.0,1.0,1.0,[-0.9,-0.5,0.0,0.6]), (3.0,600.0,2.0,[-0.006,0.0,0.001,0.01]), (2500.0,1500.0,1000.0,[0.28,0.29,0.3,0.32])] {
        let post = Posterior::new(pp,aa,dd);
        eprintln!("window {:?}", post.window);
        for t in ts {
            for n in [16, 24, 32, 40, 48, 64, 200] {
                let r = Rule::new(n);
                eprintln!("t {t} n {n} {:?}", post.cdf(t, &r));
            }
        }
        }
    }
}
