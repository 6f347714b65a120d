//! Interpolation as R's `stats` does it: the Forsythe–Malcolm–Moler cubic
//! spline of `spline(method = "fmm")` and the linear interpolation of
//! `approx`, for the profile-likelihood interval (R `survey`'s
//! `confint(method = "likelihood")` reads its bounds off such a spline).
//!
//! # References
//!
//! Forsythe, G. E., Malcolm, M. A. & Moler, C. B. (1977). *Computer
//! Methods for Mathematical Computations*, §4.4 (`spline`, `seval`).

/// A cubic spline through sorted, distinct knots: on [xᵢ, xᵢ₊₁],
/// `y = yᵢ + d·(bᵢ + d·(cᵢ + d·dᵢ))` with `d = x − xᵢ`.
#[derive(Debug, Clone)]
pub(crate) struct Spline {
    x: Vec<f64>,
    y: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
    d: Vec<f64>,
}

impl Spline {
    /// The FMM spline through `(x, y)`: the end conditions match the
    /// third derivatives of the cubics through the first four and the last
    /// four knots (with three knots, a parabola; with two, a line).
    /// `None` unless there are at least two knots, strictly increasing.
    pub(crate) fn fmm(x: &[f64], y: &[f64]) -> Option<Spline> {
        let n = x.len();
        if n < 2 || y.len() != n || x.windows(2).any(|w| w[0] >= w[1]) {
            return None;
        }
        let (mut b, mut c, mut d) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        if n < 3 {
            let slope = (y[1] - y[0]) / (x[1] - x[0]);
            b[0] = slope;
            b[1] = slope;
            return Some(Spline {
                x: x.to_vec(),
                y: y.to_vec(),
                b,
                c,
                d,
            });
        }
        let last = n - 1;
        // The tridiagonal system: b the diagonal, d the off-diagonal, c
        // the right-hand side.
        d[0] = x[1] - x[0];
        c[1] = (y[1] - y[0]) / d[0];
        for i in 1..last {
            d[i] = x[i + 1] - x[i];
            b[i] = 2.0 * (d[i - 1] + d[i]);
            c[i + 1] = (y[i + 1] - y[i]) / d[i];
            c[i] = c[i + 1] - c[i];
        }
        // End conditions from divided differences.
        b[0] = -d[0];
        b[last] = -d[n - 2];
        c[0] = 0.0;
        c[last] = 0.0;
        if n > 3 {
            c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0]);
            c[last] = c[n - 2] / (x[last] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4]);
            c[0] = c[0] * d[0] * d[0] / (x[3] - x[0]);
            c[last] = -c[last] * d[n - 2] * d[n - 2] / (x[last] - x[n - 4]);
        }
        // Gaussian elimination, then back substitution.
        for i in 1..=last {
            let t = d[i - 1] / b[i - 1];
            b[i] -= t * d[i - 1];
            c[i] -= t * c[i - 1];
        }
        c[last] /= b[last];
        for i in (0..last).rev() {
            c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
        }
        // The polynomial coefficients.
        b[last] = (y[last] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[last]);
        for i in 0..last {
            b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i]);
            d[i] = (c[i + 1] - c[i]) / d[i];
            c[i] *= 3.0;
        }
        c[last] *= 3.0;
        d[last] = d[n - 2];
        Some(Spline {
            x: x.to_vec(),
            y: y.to_vec(),
            b,
            c,
            d,
        })
    }

    /// The spline at `u` (the cubic of the last knot at or below `u`; the
    /// end cubics beyond the knots).
    pub(crate) fn at(&self, u: f64) -> f64 {
        let i = self.x.partition_point(|&k| k <= u).saturating_sub(1);
        let dx = u - self.x[i];
        self.y[i] + dx * (self.b[i] + dx * (self.c[i] + dx * self.d[i]))
    }

    /// R's `spline(x, y)` output: the spline at `3·len` points evenly
    /// spaced from the first knot to the last (`seq.int(min, max,
    /// length.out = n)`, filled from both ends as R fills it).
    pub(crate) fn on_grid(&self) -> (Vec<f64>, Vec<f64>) {
        let n = 3 * self.x.len();
        let (from, to) = (self.x[0], self.x[self.x.len() - 1]);
        let by = (to - from) / (n - 1) as f64;
        let xs: Vec<f64> = (0..n)
            .map(|i| {
                if i == 0 {
                    from
                } else if i == n - 1 {
                    to
                } else if i < n / 2 {
                    from + i as f64 * by
                } else {
                    to - (n - 1 - i) as f64 * by
                }
            })
            .collect();
        let ys = xs.iter().map(|&u| self.at(u)).collect();
        (xs, ys)
    }
}

/// R's `approx(x, y, xout = v)$y` (linear, `rule = 1`, ties by their
/// mean): the points are sorted by `x` first. `None` outside the range of
/// `x` (R's `NA`) or without points.
pub(crate) fn approx(x: &[f64], y: &[f64], v: f64) -> Option<f64> {
    let mut pairs: Vec<(f64, f64)> = x.iter().copied().zip(y.iter().copied()).collect();
    if pairs.is_empty() || pairs.iter().any(|p| p.0.is_nan()) || v.is_nan() {
        return None;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Equal x: one point at the mean of their y (`ties = mean`).
    let mut xs: Vec<f64> = Vec::with_capacity(pairs.len());
    let mut ys: Vec<f64> = Vec::with_capacity(pairs.len());
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i;
        let mut sum = 0.0;
        while j < pairs.len() && pairs[j].0 == pairs[i].0 {
            sum += pairs[j].1;
            j += 1;
        }
        xs.push(pairs[i].0);
        ys.push(sum / (j - i) as f64);
        i = j;
    }
    let last = xs.len() - 1;
    if v < xs[0] || v > xs[last] {
        return None;
    }
    // Bisection as R's approx1: x[i] <= v <= x[j].
    let (mut i, mut j) = (0, last);
    while i + 1 < j {
        let k = (i + j) / 2;
        if v < xs[k] {
            j = k;
        } else {
            i = k;
        }
    }
    if v == xs[j] {
        return Some(ys[j]);
    }
    if v == xs[i] {
        return Some(ys[i]);
    }
    Some(ys[i] + (ys[j] - ys[i]) * ((v - xs[i]) / (xs[j] - xs[i])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmm_reproduces_cubics_exactly() {
        // The FMM end conditions make the spline exact for a cubic.
        let f = |x: f64| 2.0 - x + 0.5 * x * x - 0.25 * x * x * x;
        let xs = [-2.0, -1.5, 0.0, 0.25, 1.0, 3.0];
        let ys: Vec<f64> = xs.iter().map(|&x| f(x)).collect();
        let s = Spline::fmm(&xs, &ys).unwrap();
        for u in [-2.0, -1.7, -0.3, 0.1, 0.9, 2.2, 3.0] {
            assert!(
                (s.at(u) - f(u)).abs() < 1e-12,
                "{u}: {} vs {}",
                s.at(u),
                f(u)
            );
        }
        let (gx, gy) = s.on_grid();
        assert_eq!(gx.len(), 18);
        assert_eq!((gx[0], gx[17]), (-2.0, 3.0));
        for (x, y) in gx.iter().zip(&gy) {
            assert!((y - f(*x)).abs() < 1e-12);
        }
    }

    #[test]
    #[allow(
        clippy::excessive_precision,
        reason = "R's values as it prints them with %.17g"
    )]
    fn spline_equals_r() {
        // R 4.2.2: x <- c(-1.3, -0.2, 0.4, 1.1, 2.5, 2.6, 4);
        // y <- sin(x) * exp(x / 3); sp <- spline(x, y); sp$x and sp$y at
        // 2, 5, 9, 13, 20.
        let x = [-1.3, -0.2, 0.4, 1.1, 2.5, 2.6, 4.0];
        let y: Vec<f64> = x.iter().map(|&v: &f64| v.sin() * (v / 3.0).exp()).collect();
        let (gx, gy) = Spline::fmm(&x, &y).unwrap().on_grid();
        let want = [
            (1, -1.0350000000000001, -0.63707022072271247),
            (4, -0.23999999999999999, -0.22067187068868827),
            (8, 0.82000000000000006, 0.96296322327491368),
            (12, 1.8800000000000001, 1.7686209229688168),
            (19, 3.7350000000000003, -1.8262517212877254),
        ];
        for (i, wx, wy) in want {
            assert!(
                (gx[i] - wx).abs() <= 1e-15 * wx.abs().max(1.0),
                "x[{i}] {}",
                gx[i]
            );
            assert!(
                (gy[i] - wy).abs() <= 1e-13 * wy.abs(),
                "y[{i}] {} vs {wy}",
                gy[i]
            );
        }
    }

    #[test]
    fn fmm_with_two_or_three_knots() {
        let line = Spline::fmm(&[0.0, 2.0], &[1.0, 5.0]).unwrap();
        assert_eq!(line.at(1.0), 3.0);
        // Three knots: the parabola through them.
        let f = |x: f64| 1.0 + x - 2.0 * x * x;
        let s = Spline::fmm(&[0.0, 1.0, 3.0], &[f(0.0), f(1.0), f(3.0)]).unwrap();
        for u in [0.5, 2.0, 2.9] {
            assert!((s.at(u) - f(u)).abs() < 1e-12);
        }
        assert!(Spline::fmm(&[0.0, 0.0], &[1.0, 2.0]).is_none());
        assert!(Spline::fmm(&[0.0], &[1.0]).is_none());
    }

    #[test]
    fn approx_is_linear_with_ties_averaged() {
        let x = [3.0, 1.0, 2.0, 2.0];
        let y = [30.0, 10.0, 18.0, 22.0];
        assert_eq!(approx(&x, &y, 1.5), Some(15.0));
        assert_eq!(approx(&x, &y, 2.0), Some(20.0));
        assert_eq!(approx(&x, &y, 2.5), Some(25.0));
        assert_eq!(approx(&x, &y, 3.0), Some(30.0));
        assert_eq!(approx(&x, &y, 0.5), None);
        assert_eq!(approx(&x, &y, 3.5), None);
    }
}
