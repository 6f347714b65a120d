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
//! fast. Which variable the integral runs over — X, Y, or S = X + Y — is
//! chosen so that the integrand is smooth (see [`Form`]). The inner
//! incomplete beta is carried from node to node by the Taylor series of
//! its density when its shapes are large (see [`Marcher`]); otherwise its
//! continued fraction is evaluated afresh. The quantiles solve F(t) = α/2
//! and 1 − α/2 by safeguarded Newton or Halley steps (the density, and
//! where the window is interior its slope, come from the same pass; else
//! the slope is the secant of the last two densities) from a
//! Cornish–Fisher start to the fourth cumulant: usually one 32-point and
//! one 40-point evaluation per bound below n = 1000, one 40-point
//! evaluation above.

use std::f64::consts::PI;
use std::sync::OnceLock;

use crate::math::dist;

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

/// The quadrature rules (coarse, fine, tail): 40 points give the
/// distribution function to about 1e-12 on every posterior the tests try
/// (200 points agree with it) at levels up to 99%; beyond, in the far
/// tails, the integrand's mass sits in a narrow part of the window and 40
/// points can be off by 4e-9 ((700, 200, 100) at 99.9%), so the tails get
/// 64 points. 32 points, to about 1e-7 in the worst case, serve the first
/// step.
fn rules() -> &'static (Rule, Rule, Rule) {
    static RULES: OnceLock<(Rule, Rule, Rule)> = OnceLock::new();
    RULES.get_or_init(|| (Rule::new(32), Rule::new(40), Rule::new(64)))
}

/// The substitution x = lo + (hi − lo)·s(w) on (0, 1): w² at an end that
/// carries a half-integer power, linear otherwise.
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
            Map::Both => (
                w * w * (3.0 - 2.0 * w),
                v * v * (1.0 + 2.0 * w),
                6.0 * w * v,
            ),
        }
    }
}

/// A beta distribution with the constant part of its log-density
/// precomputed, so that each evaluation costs two logarithms.
#[derive(Clone, Copy)]
struct Beta {
    a: f64,
    b: f64,
    norm: Norm,
}

/// How ln(x^a y^b / B(a, b)) is formed.
#[derive(Clone, Copy)]
enum Norm {
    /// a ln x + b ln y − ln B(a, b), for a or b below 15.
    Small(f64),
    /// Expanded about x₀ = a/(a + b) as `dist` does for large parameters
    /// (TOMS 708 `brcomp`): a ln(1 + d/x₀) + b ln(1 − d/y₀) + its value at
    /// x₀, with d = x − x₀, so nothing large cancels.
    Large { x0: f64, y0: f64, at_mode: f64 },
}

impl Beta {
    fn new(a: f64, b: f64) -> Beta {
        let norm = if a < 15.0 || b < 15.0 {
            Norm::Small(dist::beta_ln_norm(a, b))
        } else {
            let (x0, y0) = (a / (a + b), b / (a + b));
            Norm::Large {
                x0,
                y0,
                at_mode: dist::beta_ln_front(a, b, x0, y0),
            }
        };
        Beta { a, b, norm }
    }

    /// ln(x^a y^b / B(a, b)) for y = 1 − x.
    fn front(&self, x: f64, y: f64) -> f64 {
        match self.norm {
            Norm::Small(ln_norm) => {
                let ln_x = if x <= 0.5 { x.ln() } else { (-y).ln_1p() };
                let ln_y = if y <= 0.5 { y.ln() } else { (-x).ln_1p() };
                self.a * ln_x + self.b * ln_y - ln_norm
            }
            Norm::Large { x0, y0, at_mode } => {
                let d = if x <= y { x - x0 } else { y0 - y };
                self.a * (d / x0).ln_1p() + self.b * (-d / y0).ln_1p() + at_mode
            }
        }
    }

    /// The density at x (y = 1 − x).
    fn density(&self, x: f64, y: f64) -> f64 {
        // x·y ≥ min(x, y)/2 cannot underflow for x, y in (0, 1).
        self.front(x, y).exp() / (x * y)
    }

    /// d ln f/dx at x (y = 1 − x).
    fn log_slope(&self, x: f64, y: f64) -> f64 {
        (self.a - 1.0) / x - (self.b - 1.0) / y
    }
}

/// The inner incomplete beta at the quadrature nodes of one evaluation,
/// which arrive in monotone order: each value is carried from the
/// previous node by the Taylor series of the density (when that is
/// cheaper and safe), else computed afresh by the continued fraction.
///
/// The density g of Beta(α, β) solves u(1 − u)·g′ = ((α − 1)(1 − u) −
/// (β − 1)u)·g, so its Taylor coefficients about u₀ follow a three-term
/// recurrence: with p₀ = u₀(1 − u₀), p₁ = 1 − 2u₀,
/// q₀ = (α − 1)(1 − u₀) − (β − 1)u₀ and q₁ = 2 − α − β,
/// c_{k+1} = ((q₀ − p₁k)c_k + (q₁ + k − 1)c_{k−1}) / (p₀(k + 1)), c₀ = g(u₀),
/// and I_{u₀+h} = I_{u₀} + Σ c_k h^{k+1}/(k + 1). For large shapes the
/// continued fraction needs tens to hundreds of steps near the mean while
/// the series, over a step of a fraction of a standard deviation, needs
/// about twenty terms.
struct Marcher {
    /// (u, 1 − u, density, I_u) at the previous node.
    prev: Option<(f64, f64, f64, f64)>,
    /// Whether to carry values at all (large shapes only: for small ones
    /// the continued fraction converges in a few steps anyway).
    enabled: bool,
}

impl Marcher {
    /// Shapes from which carrying beats the continued fraction.
    const MIN_SHAPES: f64 = 40.0;

    fn new(inner: &Beta, carry: bool) -> Marcher {
        Marcher {
            prev: None,
            enabled: carry && inner.a + inner.b >= Self::MIN_SHAPES,
        }
    }

    /// (I_u, density at u) of `inner`, for u and u1 = 1 − u.
    fn cdf_and_density(&mut self, inner: &Beta, u: f64, u1: f64) -> (f64, f64) {
        let prefactor = inner.front(u, u1).exp();
        let density = prefactor / (u * u1);
        let carried = match self.prev {
            Some(prev) if self.enabled => carry(inner, prev, u - prev.0),
            _ => None,
        };
        let cdf = carried.unwrap_or_else(|| {
            dist::beta_cdf_pair_with_prefactor(inner.a, inner.b, u, u1, prefactor).0
        });
        self.prev = Some((u, u1, density, cdf));
        (cdf, density)
    }
}

/// I_{u₀+h} of `inner` from (u₀, 1 − u₀, g(u₀), I_{u₀}) by the Taylor
/// series of the density (see [`Marcher`]), or `None` when the step is
/// too long for it to converge quickly and without cancellation: beyond a
/// quarter of the distance to the singular ends 0 and 1 or two standard
/// deviations, or needing more than 48 terms. The
/// series stops once two successive terms are below 1e-18 (absolute: I
/// lies in [0, 1] and the integrals need it to about 1e-16).
fn carry(inner: &Beta, (u0, v0, g0, cdf0): (f64, f64, f64, f64), h: f64) -> Option<f64> {
    let p0 = u0 * v0;
    // Also at most two standard deviations √(u₀(1 − u₀)/(α + β)) of the
    // inner variable, so that no term is much larger than the sum.
    if h.is_nan() || h.abs() > 0.25 * u0.min(v0) || h * h * (inner.a + inner.b) > 4.0 * p0 {
        return None;
    }
    let p1 = v0 - u0;
    let q0 = (inner.a - 1.0) * v0 - (inner.b - 1.0) * u0;
    let q1 = 2.0 - inner.a - inner.b;
    let step = h / p0;
    // e_k = c_k h^k; the sum is Σ e_k/(k + 1).
    let (mut e_prev, mut e) = (0.0, g0);
    let mut sum = g0;
    for k in 0..48 {
        let kf = f64::from(k);
        let next = ((q0 - p1 * kf) * e + (q1 + kf - 1.0) * h * e_prev) * step / (kf + 1.0);
        sum += next / (kf + 2.0);
        if k >= 1 && (next.abs() + e.abs()) * h.abs() <= 1e-18 {
            return Some((cdf0 + h * sum).clamp(0.0, 1.0));
        }
        e_prev = e;
        e = next;
    }
    None
}

/// Mean and variance of Beta(α, β).
fn beta_moments(alpha: f64, beta: f64) -> (f64, f64) {
    let s = alpha + beta;
    (alpha / s, alpha * beta / (s * s * (s + 1.0)))
}

/// Where Beta(α, β) has its mass: beyond, its density is below e^{−40} of
/// its peak (or the window reaches 0 or 1).
fn window(alpha: f64, beta: f64) -> (f64, f64) {
    let (mean, var) = beta_moments(alpha, beta);
    let sd = var.sqrt();
    let ln_f = |x: f64| dist::beta_ln_density(alpha, beta, x, 1.0 - x);
    // The peak: the mode, or the mean when there is no interior mode (then
    // the window reaches that end anyway).
    let peak = if alpha > 1.0 && beta > 1.0 {
        ln_f((alpha - 1.0) / (alpha + beta - 2.0))
    } else {
        ln_f(mean)
    };
    let floor = peak - 40.0;
    // Step out one standard deviation at a time from 6 (where a normal
    // density has dropped by e^{−18}), faster once far out.
    // At most about 3,200 steps (k grows by a quarter a step past 16, so
    // it passes 1/sd ≤ 1e308·… long before): the loop ends even when the
    // density is NaN or sd is 0 or NaN (shapes at the ends of f64).
    let reach = |dir: f64| {
        let mut k: f64 = 6.0;
        for _ in 0..3200 {
            let x = mean + dir * k * sd;
            if !(x > 0.0 && x < 1.0) || ln_f(x) <= floor {
                return if x.is_nan() {
                    f64::from(u8::from(dir > 0.0))
                } else {
                    x.clamp(0.0, 1.0)
                };
            }
            k += if k < 16.0 { 1.0 } else { 0.25 * k };
        }
        f64::from(u8::from(dir > 0.0))
    };
    let lo = if alpha <= 1.0 { 0.0 } else { reach(-1.0) };
    let hi = if beta <= 1.0 { 1.0 } else { reach(1.0) };
    (lo, hi)
}

/// Which variable the integral runs over (the others enter through an
/// incomplete beta function). The integrand is smooth when the outer
/// variable explains little of the spread of X − Y; `Posterior::new`
/// picks the form where it explains least.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    /// Over X (promoter share); Y = (1 − X)V, V ~ Beta(c, b).
    Promoters,
    /// Over Y (detractor share), by symmetry: F(t) = 1 − F̃(−t) for the
    /// mirrored posterior (a and c swapped).
    Detractors,
    /// Over S = X + Y ~ Beta(a + c, b), with X − Y = S(2U − 1) and
    /// U ~ Beta(a, c) independent of S.
    Sum,
}

/// The Dirichlet posterior of the three shares.
struct Posterior {
    /// Promoters + ½.
    a: f64,
    /// Passives + ½.
    b: f64,
    /// Detractors + ½.
    c: f64,
    form: Form,
    /// The distribution of the variable integrated over.
    outer: Beta,
    /// The distribution whose CDF is the integrand's second factor: of V
    /// for X, of W (V's mirror) for Y, of U for S.
    inner: Beta,
    /// Where the outer variable has its mass.
    window: (f64, f64),
    /// Whether the inner incomplete beta is carried from node to node
    /// ([`Marcher`]); the tests turn it off for a reference.
    carry: bool,
}

impl Posterior {
    fn new(promoters: f64, passives: f64, detractors: f64) -> Posterior {
        let (a, b, c) = (promoters + 0.5, passives + 0.5, detractors + 0.5);
        // Share of Var(X − Y) explained by each candidate outer variable,
        // relative to what the inner variable leaves (delta method).
        let ratio = |outer: (f64, f64), slope: f64, inner: (f64, f64), scale: f64| {
            (slope * slope * outer.1) / (scale * scale * inner.1)
        };
        let (x, v) = (beta_moments(a, b + c), beta_moments(c, b));
        let (y, w) = (beta_moments(c, a + b), beta_moments(a, b));
        let (sum, u) = (beta_moments(a + c, b), beta_moments(a, c));
        let candidates = [
            (Form::Promoters, ratio(x, 1.0 + v.0, v, 1.0 - x.0)),
            (Form::Detractors, ratio(y, 1.0 + w.0, w, 1.0 - y.0)),
            (Form::Sum, ratio(sum, 2.0 * u.0 - 1.0, u, 2.0 * sum.0)),
        ];
        let mut form = Form::Sum;
        let mut best = f64::INFINITY;
        for (f, r) in candidates {
            if r < best {
                best = r;
                form = f;
            }
        }
        let (outer, inner) = match form {
            Form::Promoters => (Beta::new(a, b + c), Beta::new(c, b)),
            Form::Detractors => (Beta::new(c, a + b), Beta::new(a, b)),
            Form::Sum => (Beta::new(a + c, b), Beta::new(a, c)),
        };
        Posterior {
            a,
            b,
            c,
            form,
            outer,
            inner,
            window: window(outer.a, outer.b),
            carry: true,
        }
    }

    /// (F(t), f(t), f′(t)) with the given rule; f′ is `None` unless the
    /// integral runs over an interior window (no end point carries a
    /// half-integer power), where it is as accurate as f.
    fn cdf(&self, t: f64, rule: &Rule) -> (f64, f64, Option<f64>) {
        match self.form {
            Form::Promoters => self.over_x(t, rule),
            Form::Detractors => {
                let (f, density, slope) = self.over_x(-t, rule);
                (1.0 - f, density, slope.map(|s| -s))
            }
            Form::Sum => self.over_sum(t, rule),
        }
    }

    /// F and f by the integral over the first share X ~ Beta(a, b + c)
    /// of a posterior Dirichlet(a, b, c) (for the detractors' form, the
    /// mirrored posterior: `outer` and `inner` say which).
    fn over_x(&self, t: f64, rule: &Rule) -> (f64, f64, Option<f64>) {
        let (outer, inner) = (&self.outer, &self.inner);
        let left = t.max(0.0);
        let right = 0.5 * (1.0 + t);
        let base = if t > 0.0 {
            dist::beta_cdf_pair(outer.a, outer.b, t, 1.0 - t).0
        } else {
            0.0
        };
        let lo = left.max(self.window.0);
        let hi = right.min(self.window.1);
        if hi <= lo {
            return (base, 0.0, None);
        }
        let width = hi - lo;
        // The end points that are the integral's own limits carry powers
        // (x − L)^{k+½} or (R − x)^{k+½}; map w² onto them. Window edges
        // inside the limits need nothing (the integrand is negligible there).
        let map = Map::new(lo <= left, hi >= right);
        let (mut cdf, mut density, mut slope) = (0.0, 0.0, 0.0);
        let mut marcher = Marcher::new(inner, self.carry);
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
            // P(V ≥ u) = 1 − I_u(c, b), and V's density at u.
            let (below, fv) = marcher.cdf_and_density(inner, u, u1);
            let h = weight * width * ds * outer.density(x, y);
            cdf += h * (1.0 - below);
            density += h * fv / y;
            // ∂u/∂t = −1/(1 − x).
            slope -= h * fv * inner.log_slope(u, u1) / (y * y);
        }
        let slope = matches!(map, Map::Linear).then_some(slope);
        ((base + cdf).clamp(0.0, 1.0), density, slope)
    }

    /// F and f by the integral over S = X + Y ~ Beta(a + c, b):
    /// F(t) = [t > 0]·I_t(a + c, b) + ∫_{|t|}^1 f_S(s) I_{(1 + t/s)/2}(a, c) ds.
    fn over_sum(&self, t: f64, rule: &Rule) -> (f64, f64, Option<f64>) {
        let (outer, inner) = (&self.outer, &self.inner);
        let left = t.abs();
        let base = if t > 0.0 {
            dist::beta_cdf_pair(outer.a, outer.b, t, 1.0 - t).0
        } else {
            0.0
        };
        let lo = left.max(self.window.0);
        let hi = self.window.1;
        if hi <= lo {
            return (base, 0.0, None);
        }
        let width = hi - lo;
        let map = Map::new(lo <= left, hi >= 1.0);
        let (mut cdf, mut density, mut slope) = (0.0, 0.0, 0.0);
        let mut marcher = Marcher::new(inner, self.carry);
        for (&w, &weight) in rule.nodes.iter().zip(&rule.weights) {
            let (s, s1, ds) = map.at(w);
            let x = lo + width * s;
            let y = (1.0 - hi) + width * s1;
            // s − |t| without cancellation; then u = (s + t)/(2s).
            let gap = (lo - left) + width * s;
            let (u, u1) = if t >= 0.0 {
                ((2.0 * t + gap) / (2.0 * x), gap / (2.0 * x))
            } else {
                (gap / (2.0 * x), (2.0 * left + gap) / (2.0 * x))
            };
            if !(u > 0.0 && u1 > 0.0 && y > 0.0 && x > 0.0) {
                continue;
            }
            let (g, fu) = marcher.cdf_and_density(inner, u, u1);
            let h = weight * width * ds * outer.density(x, y);
            cdf += h * g;
            density += h * fu / (2.0 * x);
            // ∂u/∂t = 1/(2s).
            slope += h * fu * inner.log_slope(u, u1) / (4.0 * x * x);
        }
        let slope = matches!(map, Map::Linear).then_some(slope);
        ((base + cdf).clamp(0.0, 1.0), density, slope)
    }

    /// The p-quantile of X − Y.
    fn quantile(&self, p: f64) -> f64 {
        let (coarse, fine, tail) = rules();
        let fine = if p.min(1.0 - p) < 0.005 { tail } else { fine };
        let (sd, start, near_normal) = self.start(p);
        let mut t = start.clamp(-1.0 + 1e-12, 1.0 - 1e-12);
        let (mut lo, mut hi) = (-1.0, 1.0);
        // From large samples close to normal the start is close (its error
        // shrinks like n^(−3/2)); from small or skewed ones a first coarse
        // step gets near cheaply.
        let s = self.a + self.b + self.c;
        // While the steps are long (more than 0.03 sd: a poor start), up to
        // three coarse rounds get near before the first fine one.
        let mut next_is_coarse = !(s > 1000.0 && near_normal);
        let mut coarse_rounds = 0;
        // The previous point, its density and that density's relative error.
        let mut prev: Option<(f64, f64, f64)> = None;
        for _ in 0..200 {
            let is_coarse = next_is_coarse;
            let rule = if is_coarse { coarse } else { fine };
            let density_error = if is_coarse { 1e-6 } else { 1e-12 };
            let (f, density, exact_slope) = self.cdf(t, rule);
            let resid = f - p;
            // The coarse values may be off by their error: they steer the
            // first steps but do not bracket the root.
            if is_coarse {
            } else if resid < 0.0 {
                lo = t;
            } else if resid > 0.0 {
                hi = t;
            } else {
                return t;
            }
            // f′: exact where the integral gives it, else the secant of the
            // densities at this point and the previous one. The secant's
            // error, relative to f/sd, is about the distance between the
            // points (f″ ~ f/sd²) plus the densities' own errors over it.
            let (slope, slope_error) = match (exact_slope, prev) {
                (Some(s), _) => (Some(s), 0.0),
                (None, Some((tp, dp, ep))) if tp != t => {
                    let gap = (t - tp).abs() / sd;
                    let error = gap + (ep + density_error) / gap;
                    if error < 0.1 {
                        (Some((density - dp) / (t - tp)), error)
                    } else {
                        (None, 0.0)
                    }
                }
                _ => (None, 0.0),
            };
            prev = Some((t, density, density_error));
            // Halley's step where f′ is known well enough (cubic
            // convergence, less the slope's error), Newton's otherwise.
            let newton = -resid / density;
            let (step, halley) = match slope {
                Some(s) if (0.5 * newton * s / density).abs() < 0.5 => {
                    (newton / (1.0 + 0.5 * newton * s / density), true)
                }
                _ => (newton, false),
            };
            let candidate = t + step;
            // A step within rounding of t may land on a bracket end. One
            // that leaves the bracket goes halfway from t to the end it
            // passed (t is the other end after a fine round, so this is
            // bisection; after the coarse round, which does not bracket,
            // it keeps the start's information: near ±1 a first step from
            // a skewed posterior's start often overshoots the end).
            let next = if candidate >= lo && candidate <= hi {
                candidate
            } else if candidate > hi {
                0.5 * (t.max(lo) + hi)
            } else if candidate < lo {
                0.5 * (lo + t.min(hi))
            } else {
                0.5 * (lo + hi)
            };
            // After a Newton step of size δ the error is of order δ²/sd,
            // after Halley's δ³/sd² plus δ²/sd times the slope's relative
            // error. Once that is below 1e-12 of the bound (or of a
            // thousandth of sd, for bounds near 0), far inside the 1e-9
            // promised and the quadrature's own accuracy, the step is taken
            // without checking.
            let rel = (next - t).abs() / sd;
            let scale = next.abs().max(1e-3 * sd) / sd;
            let left = if halley {
                rel * rel * (rel + slope_error)
            } else {
                rel * rel
            };
            if !is_coarse && (left <= 1e-12 * scale || hi - lo <= 4e-16) {
                return next;
            }
            if is_coarse {
                coarse_rounds += 1;
                next_is_coarse = rel > 3e-2 && coarse_rounds < 3;
            }
            t = next;
        }
        t
    }

    /// (sd, Cornish–Fisher start, whether the posterior is close to
    /// normal) for the p-quantile of X − Y.
    fn start(&self, p: f64) -> (f64, f64, bool) {
        let (a, b, c) = (self.a, self.b, self.c);
        let s = a + b + c;
        // Cumulants of X − Y = Σ wᵢ·shareᵢ, w = (1, 0, −1), under the
        // Dirichlet, with mᵢ the mean shares, dᵢ = wᵢ − μ and
        // Mₖ = Σ mᵢdᵢᵏ. X − Y − μ = T/G with T = Σ dᵢGᵢ and G = Σ Gᵢ for
        // independent Gᵢ ~ Gamma(αᵢ), and T/G is independent of G
        // (Lukács), so E[(X − Y − μ)ᵏ] = E[Tᵏ]/(s)ₖ; T's cumulants are
        // (k − 1)!·s·Mₖ. Hence κ₂ = M₂/(s + 1), κ₃ = 2M₃/((s + 1)(s + 2))
        // and κ₄ = (6M₄ − 3M₂²(4s + 6)/(s + 1))/((s + 1)(s + 2)(s + 3)).
        let (ma, mb, mc) = (a / s, b / s, c / s);
        let mean = ma - mc;
        let (da, db, dc) = (1.0 - mean, -mean, -1.0 - mean);
        let moment = |k: i32| ma * da.powi(k) + mb * db.powi(k) + mc * dc.powi(k);
        let (m2, m3, m4) = (moment(2), moment(3), moment(4));
        let var = m2 / (s + 1.0);
        let sd = var.sqrt();
        let skew = 2.0 * m3 / ((s + 1.0) * (s + 2.0)) / (sd * sd * sd);
        let kurt = (6.0 * m4 - 3.0 * m2 * m2 * (4.0 * s + 6.0) / (s + 1.0))
            / ((s + 1.0) * (s + 2.0) * (s + 3.0))
            / (var * var);
        let z = dist::normal_quantile_unchecked(p);
        // The Cornish–Fisher expansion to the fourth cumulant: within about
        // 1e-3 standard deviations at n = 100 and 1e-6 at n = 5000 for
        // a balanced split; but with nearly every answer in one group the
        // shape stays far from normal at any n (excess kurtosis 6 with
        // only passives) and the start is off by tenths of a deviation.
        let q = z + skew * (z * z - 1.0) / 6.0 + kurt * z * (z * z - 3.0) / 24.0
            - skew * skew * z * (2.0 * z * z - 5.0) / 36.0;
        let near_normal = skew.abs() + kurt.abs() < 0.3;
        (sd, mean + sd * q, near_normal)
    }
}

/// The equal-tailed credible interval of the NPS fraction (−1..=1) at
/// probability `level`, for (possibly fractional) counts.
///
/// Beyond 2⁵⁰ answers (where the shares no longer have the digits the
/// quadrature needs) the bounds are the Cornish–Fisher expansion to the
/// fourth cumulant, whose error there is below 1e-7 standard deviations
/// of a posterior narrower than 1e-7. The bounds are always ordered and
/// within −1..=1.
pub(crate) fn bounds(promoters: f64, passives: f64, detractors: f64, level: f64) -> (f64, f64) {
    let posterior = Posterior::new(promoters, passives, detractors);
    let half = 0.5 * (1.0 - level);
    let total = promoters + passives + detractors;
    let quantile = |p: f64| {
        let q = if total > LARGE_SAMPLE {
            posterior.start(p).1
        } else {
            posterior.quantile(p)
        };
        if q.is_nan() { 0.0 } else { q.clamp(-1.0, 1.0) }
    };
    let (lower, upper) = (quantile(half), quantile(1.0 - half));
    (lower.min(upper), upper.max(lower))
}

/// The number of answers beyond which the bounds come from the
/// Cornish–Fisher expansion alone: 2⁵⁰.
const LARGE_SAMPLE: f64 = 1_125_899_906_842_624.0;

#[cfg(test)]
#[expect(
    clippy::excessive_precision,
    reason = "reference values are quoted as mpmath printed them"
)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tol: f64) -> bool {
        ((got - want) / want).abs() <= tol
    }

    /// A posterior with every evaluation from scratch: fresh continued
    /// fractions at every node (no carrying), and the 200-point rule.
    fn reference(p: f64, a: f64, d: f64) -> Posterior {
        Posterior {
            carry: false,
            ..Posterior::new(p, a, d)
        }
    }

    /// Up to shapes of 10⁷ or so, where the continued fraction itself is
    /// accurate to about 1e-14 (beyond, near its switch point it loses
    /// digits, see `dist`'s tests), and away from posteriors with all
    /// answers in one group (their bounds lie within a few standard
    /// deviations of ±1, where F(t) cannot be known to 1e-12: rounding t
    /// alone moves it by f(t)·ε ≈ ε/sd); the bracketing test below checks
    /// the bounds of those.
    #[test]
    fn carried_incomplete_betas_match_fresh_continued_fractions() {
        let fine = Rule::new(40);
        for (p, a, d) in [
            (60.0, 25.0, 15.0),
            (2500.0, 1500.0, 1000.0),
            (480_000.0, 20_000.0, 0.0),
            (3e6, 3e6, 3e6),
            (0.0, 1e6, 0.0),
            (40.0, 0.0, 2.0),
            (5.0, 2e7, 5.0),
        ] {
            let carried = Posterior::new(p, a, d);
            let fresh = reference(p, a, d);
            for q in [1e-4, 0.025, 0.3, 0.5, 0.9, 0.999] {
                let t = carried.quantile(q);
                for shift in [-1e-3, 0.0, 1e-3] {
                    let t = t + shift * t.abs().max(1e-3);
                    let (f1, d1, _) = carried.cdf(t, &fine);
                    let (f2, d2, _) = fresh.cdf(t, &fine);
                    assert!(
                        (f1 - f2).abs() <= 1e-12,
                        "{p} {a} {d} t {t}: {f1:e} vs {f2:e}"
                    );
                    assert!((d1 - d2).abs() <= 1e-12 * d2, "{p} {a} {d} t {t}");
                }
            }
        }
    }

    /// Over a grid of sample sizes 1 to 10⁹, splits (including all one
    /// group and the boundaries) and levels, each bound of the fast path
    /// brackets the true quantile within the promised 1e-9 of itself
    /// (1e-14 absolute, the reference tests' floor, near 0): the reference distribution function (200-point rule, no
    /// carrying, nothing shared with the solver) is below p just under
    /// the bound and above it just over it.
    #[test]
    fn bounds_bracket_the_reference_quantiles() {
        let reference_rule = Rule::new(200);
        let splits: [(f64, f64, f64); 10] = [
            (1.0, 0.0, 0.0),
            (0.0, 1.0, 0.0),
            (0.0, 0.0, 1.0),
            (0.5, 0.5, 0.0),
            (0.5, 0.0, 0.5),
            (0.34, 0.33, 0.33),
            (0.7, 0.2, 0.1),
            (0.98, 0.01, 0.01),
            (0.1, 0.8, 0.1),
            (0.999, 0.0, 0.001),
        ];
        let sizes: [f64; 12] = [
            1.0, 2.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 1001.0, 1e4, 1e6, 1e9,
        ];
        for n in sizes {
            for (x, y, z) in splits {
                let (p, a, d) = ((x * n).round(), (y * n).round(), (z * n).round());
                let slow = reference(p, a, d);
                for level in [0.5, 0.8, 0.95, 0.99, 0.999, 0.9999] {
                    let (lower, upper) = bounds(p, a, d, level);
                    let half = 0.5 * (1.0 - level);
                    for (t, q) in [(lower, half), (upper, 1.0 - half)] {
                        let band = (1e-9 * t.abs()).max(1e-14);
                        let below = slow.cdf(t - band, &reference_rule).0;
                        let above = slow.cdf(t + band, &reference_rule).0;
                        assert!(
                            below <= q && q <= above,
                            "{p} {a} {d} level {level}: bound {t} has F in [{below:e}, {above:e}] around {q}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn bounds_match_mpmath_in_tails_and_one_group() {
        // mpmath at 40 digits by tests/data/bayes_extremes.py (the same
        // form as above, tanh-sinh quadrature, secant to 1e-25): a far-tail
        // level where 40 points were off by 6e-8 relative (upper bound
        // 66.50523483), all promoters, all passives, and 99.99% at n = 33.
        let cases = [
            (
                (700.0, 200.0, 100.0, 0.999),
                (52.710652941972806, 66.505239086476326),
            ),
            (
                (100.0, 0.0, 0.0, 0.95),
                (94.32722538228055, 99.964350727108272),
            ),
            (
                (0.0, 300.0, 0.0, 0.95),
                (-0.72292579134639005, 0.72292579134639005),
            ),
            (
                (2.0, 30.0, 1.0, 0.9999),
                (-24.891182540787087, 31.875574895557323),
            ),
        ];
        for ((p, a, d, level), (lo, hi)) in cases {
            let (l, u) = bounds(p, a, d, level);
            assert!(close(100.0 * l, lo, 1e-10), "{p} {a} {d}: {l} vs {lo}");
            assert!(close(100.0 * u, hi, 1e-10), "{p} {a} {d}: {u} vs {hi}");
        }
    }

    #[test]
    fn bounds_match_mpmath() {
        // mpmath at 30 digits, the second form of METHODS.md (over S with
        // U ~ Beta(a, c)), bisected to 1e-19.
        let cases = [
            (
                (5.0, 0.0, 0.0, 0.95),
                (21.601817478289848, 99.35009059440827),
            ),
            (
                (1000.0, 10.0, 3.0, 0.9),
                (97.40340119045945, 98.97881365924960),
            ),
            (
                (0.0, 0.0, 3.0, 0.95),
                (-98.98013562247809, 6.144711076339872),
            ),
        ];
        for ((p, a, d, level), (lo, hi)) in cases {
            let (l, u) = bounds(p, a, d, level);
            assert!(close(100.0 * l, lo, 1e-10), "{p} {a} {d}: {l} vs {lo}");
            assert!(close(100.0 * u, hi, 1e-10), "{p} {a} {d}: {u} vs {hi}");
        }
    }

    #[test]
    fn every_form_gives_the_same_distribution_function() {
        // Three different integrals of one function: a check of each.
        let fine = Rule::new(200);
        for (p, a, d) in [
            (60.0, 25.0, 15.0),
            (3.0, 600.0, 2.0),
            (7.0, 2.0, 1.0),
            (480.0, 20.0, 0.0),
        ] {
            let chosen = Posterior::new(p, a, d);
            for form in [Form::Promoters, Form::Detractors, Form::Sum] {
                let (aa, bb, cc) = (p + 0.5, a + 0.5, d + 0.5);
                let (outer, inner) = match form {
                    Form::Promoters => (Beta::new(aa, bb + cc), Beta::new(cc, bb)),
                    Form::Detractors => (Beta::new(cc, aa + bb), Beta::new(aa, bb)),
                    Form::Sum => (Beta::new(aa + cc, bb), Beta::new(aa, cc)),
                };
                let other = Posterior {
                    form,
                    outer,
                    inner,
                    window: window(outer.a, outer.b),
                    ..chosen
                };
                for t in [-0.3, 0.0, 0.2, 0.45, 0.9] {
                    let (f1, d1, _) = chosen.cdf(t, &fine);
                    let (f2, d2, _) = other.cdf(t, &fine);
                    assert!(
                        (f1 - f2).abs() < 1e-12,
                        "{p} {a} {d} {form:?} t {t}: {f1} vs {f2}"
                    );
                    assert!(
                        (d1 - d2).abs() < 1e-9 * d1.max(1.0),
                        "{p} {a} {d} {form:?} t {t}: {d1} vs {d2}"
                    );
                }
            }
        }
    }

    #[test]
    fn forty_points_agree_with_two_hundred() {
        let (_, fine, _) = rules();
        let reference = Rule::new(200);
        for (p, a, d) in [
            (2500.0, 1500.0, 1000.0),
            (0.0, 1.0, 1.0),
            (100.0, 0.0, 1.0),
            (1e6, 2e5, 3e5),
        ] {
            let post = Posterior::new(p, a, d);
            for q in [0.005, 0.05, 0.5, 0.95, 0.995] {
                let t = post.quantile(q);
                let (f1, _, _) = post.cdf(t, fine);
                let (f2, _, _) = post.cdf(t, &reference);
                assert!((f1 - f2).abs() < 1e-12, "{p} {a} {d} q {q}: {f1} vs {f2}");
                assert!((f2 - q).abs() < 1e-11, "{p} {a} {d} q {q}: F = {f2}");
            }
        }
    }

    #[test]
    fn the_density_and_its_slope_are_derivatives() {
        let fine = Rule::new(200);
        for (p, a, d) in [
            (2500.0, 1500.0, 1000.0),
            (60.0, 25.0, 15.0),
            (4e5, 1e4, 2e3),
        ] {
            let post = Posterior::new(p, a, d);
            let (s, a, c) = (p + a + d, p + 0.5, d + 0.5);
            let mean = (a - c) / (s + 1.5);
            let sd = ((a + c) / (s + 1.5) - mean * mean).sqrt() / (s + 2.5).sqrt();
            for k in [-2.0, -0.5, 0.0, 1.0, 2.5] {
                let t = mean + k * sd;
                let h = 1e-3 * sd;
                let (f_lo, d_lo, _) = post.cdf(t - h, &fine);
                let (f_hi, d_hi, _) = post.cdf(t + h, &fine);
                let (_, density, slope) = post.cdf(t, &fine);
                let fd = (f_hi - f_lo) / (2.0 * h);
                assert!(
                    (fd - density).abs() < 1e-5 * density,
                    "{p}: f {density} vs {fd}"
                );
                if let Some(slope) = slope {
                    let sd_ = (d_hi - d_lo) / (2.0 * h);
                    assert!(
                        (sd_ - slope).abs() < 1e-4 * density / sd,
                        "{p}: f' {slope} vs {sd_}"
                    );
                }
            }
        }
    }

    #[test]
    fn mirrored_counts_give_mirrored_bounds() {
        for (p, a, d, level) in [
            (12.0, 3.0, 5.0, 0.9),
            (0.0, 4.0, 9.0, 0.99),
            (250.5, 10.25, 40.0, 0.8),
        ] {
            let (l, u) = bounds(p, a, d, level);
            let (ml, mu) = bounds(d, a, p, level);
            assert!(
                (l + mu).abs() < 1e-12 && (u + ml).abs() < 1e-12,
                "{l} {u} {ml} {mu}"
            );
        }
    }
}
