//! The exact interval of a share sampled without replacement from a small
//! population (Wright 1991): the hypergeometric counterpart of
//! Clopper–Pearson.

use crate::math::dist;

/// The bounds (as fractions of the population) for `k` successes in a
/// sample of `n` from a population of `big_n`, at significance `alpha`:
/// the population success counts M not rejected by either one-sided exact
/// test at α/2,
///
/// ```text
/// lower = min{M : P(X ≥ k | M) > α/2} / N,   upper = max{M : P(X ≤ k | M) > α/2} / N
/// ```
///
/// with X hypergeometric (N, M, n). Both tails are monotone in M, so each
/// bound is a binary search over M.
///
/// When the sample is a negligible part of the population (n/N below
/// 1e-9, where the hypergeometric and binomial distributions differ by
/// less than 4n/N in total variation, and where M/N no longer fits the
/// 53 bits of an f64 once N passes 2⁵³), the bounds are the binomial
/// limit: Clopper–Pearson's. Callers ensure k ≤ n ≤ N; anything else
/// gives the whole range [0, 1].
pub(crate) fn bounds(k: u64, n: u64, big_n: u64, alpha: f64) -> (f64, f64) {
    let half = 0.5 * alpha;
    if k > n || n > big_n || big_n == 0 {
        return (0.0, 1.0);
    }
    if (n as f64) < 1e-9 * big_n as f64 {
        let (kf, nf) = (k as f64, n as f64);
        let lower = if k == 0 {
            0.0
        } else {
            dist::beta_quantile_unchecked(half, kf, nf - kf + 1.0)
        };
        let upper = if k == n {
            1.0
        } else {
            dist::beta_quantile_unchecked(1.0 - half, kf + 1.0, nf - kf)
        };
        return (
            lower.clamp(0.0, 1.0),
            upper.clamp(lower.clamp(0.0, 1.0), 1.0),
        );
    }
    // M must leave room for the k successes and n − k failures seen.
    let (m_min, m_max) = (k, big_n - (n - k));
    let lower = if k == 0 {
        0
    } else {
        // Smallest M with P(X ≥ k) > α/2 (increasing in M).
        first_true(m_min, m_max, |m| 1.0 - cdf(k - 1, n, m, big_n) > half)
    };
    let upper = if k == n {
        big_n
    } else {
        // Largest M with P(X ≤ k) > α/2 (decreasing in M): one below the
        // first M where it fails.
        let fails = first_true(m_min, m_max.saturating_add(1), |m| {
            m > m_max || cdf(k, n, m, big_n) <= half
        });
        fails.saturating_sub(1).max(m_min)
    };
    let nf = big_n as f64;
    (lower as f64 / nf, upper as f64 / nf)
}

/// The smallest m in [lo, hi] where the monotone predicate holds (hi if
/// none before it).
fn first_true(mut lo: u64, mut hi: u64, holds: impl Fn(u64) -> bool) -> u64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// P(X ≤ x) for X ~ hypergeometric: n draws from N with M successes.
fn cdf(x: u64, n: u64, m: u64, big_n: u64) -> f64 {
    let lowest = n.saturating_sub(big_n - m);
    let highest = n.min(m);
    if x < lowest {
        return 0.0;
    }
    if x >= highest {
        return 1.0;
    }
    // Sum the tail on the far side of the mode, whose terms fall off
    // geometrically: P(X ≤ x) directly below the mode, 1 − P(X > x) above.
    let mode = ((n as f64 + 1.0) * (m as f64 + 1.0) / (big_n as f64 + 2.0)).floor() as u64;
    let (nf, mf, bf) = (n as f64, m as f64, big_n as f64);
    // N − M in integers (exact) before the one rounding.
    let rest = (big_n - m) as f64;
    let ln_pmf = |x: u64| {
        let xf = x as f64;
        ln_choose(mf, xf) + ln_choose(rest, nf - xf) - ln_choose(bf, nf)
    };
    if x < mode {
        let mut term = ln_pmf(x).exp();
        let mut sum = term;
        let mut i = x;
        while i > lowest {
            let xf = i as f64;
            // P(i − 1)/P(i) = i(N − M − n + i) / ((M − i + 1)(n − i + 1)).
            term *= xf * (rest - nf + xf) / ((mf - xf + 1.0) * (nf - xf + 1.0));
            sum += term;
            i -= 1;
            if term <= 1e-18 * sum {
                break;
            }
        }
        sum.min(1.0)
    } else {
        let mut i = x + 1;
        let mut term = ln_pmf(i).exp();
        let mut sum = term;
        while i < highest {
            let xf = i as f64;
            // P(i + 1)/P(i) = (M − i)(n − i) / ((i + 1)(N − M − n + i + 1)).
            term *= (mf - xf) * (nf - xf) / ((xf + 1.0) * (rest - nf + xf + 1.0));
            sum += term;
            i += 1;
            if term <= 1e-18 * sum {
                break;
            }
        }
        (1.0 - sum).max(0.0)
    }
}

/// ln C(a, b) for whole numbers 0 ≤ b ≤ a, as −ln(a + 1) − ln B(b + 1,
/// a − b + 1): accurate to a few ulps of the result for large a (the
/// difference of ln Γ values near a·ln a would lose every digit at
/// a = 10¹²).
fn ln_choose(a: f64, b: f64) -> f64 {
    -(a + 1.0).ln() - dist::beta_ln_norm(b + 1.0, a - b + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P(X ≤ x) by the definition, in exact integers (small cases).
    fn cdf_exact(x: u64, n: u64, m: u64, big_n: u64) -> f64 {
        fn choose(a: u64, b: u64) -> u128 {
            if b > a {
                return 0;
            }
            (0..b).fold(1u128, |acc, i| acc * u128::from(a - i) / u128::from(i + 1))
        }
        let total = choose(big_n, n) as f64;
        (0..=x)
            .map(|i| (choose(m, i) * choose(big_n - m, n - i)) as f64)
            .sum::<f64>()
            / total
    }

    #[test]
    fn the_distribution_function_matches_exact_counting() {
        for (n, m, big_n) in [
            (10, 4, 30),
            (20, 13, 40),
            (5, 5, 5),
            (12, 0, 50),
            (25, 30, 60),
        ] {
            for x in 0..=n {
                let (got, want) = (cdf(x, n, m, big_n), cdf_exact(x, n, m, big_n));
                assert!(
                    (got - want).abs() < 1e-13,
                    "x {x} n {n} M {m} N {big_n}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn wright_example_and_the_bounds_definition() {
        // k = 0 of 40 from 400: the upper bound is 33/400 = 0.0825 (the
        // scaled Clopper-Pearson bound is 0.0798).
        let (l, u) = bounds(0, 40, 400, 0.05);
        assert_eq!((l, u), (0.0, 0.0825));
        // Every bound is the edge of the set of M not rejected.
        for (k, n, big_n) in [(3, 10, 30), (7, 20, 40), (20, 20, 25), (1, 12, 50)] {
            let (l, u) = bounds(k, n, big_n, 0.1);
            let (ml, mu) = (
                (l * big_n as f64).round() as u64,
                (u * big_n as f64).round() as u64,
            );
            if k > 0 {
                assert!(1.0 - cdf_exact(k - 1, n, ml, big_n) > 0.05);
                assert!(ml == k || 1.0 - cdf_exact(k - 1, n, ml - 1, big_n) <= 0.05);
            }
            if k < n {
                assert!(cdf_exact(k, n, mu, big_n) > 0.05);
                assert!(mu == big_n - (n - k) || cdf_exact(k, n, mu + 1, big_n) <= 0.05);
            } else {
                assert_eq!(mu, big_n);
            }
        }
    }
}
