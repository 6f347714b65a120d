//! Compensated summation for weight sums, and exact scaling by powers of
//! two (how a [`Tally`](crate::Tally) keeps its weight sums in range).

/// The smallest weight exponent a tally uses: weights below 2^-1000 are
/// scaled as if the largest were 2^-1000, so that the factor 2^-e stays a
/// representable `f64`.
pub(crate) const MIN_EXPONENT: i32 = -1000;
/// The largest weight exponent (that of `f64::MAX`).
pub(crate) const MAX_EXPONENT: i32 = 1023;

/// The binary exponent `e` a tally uses for a batch whose largest weight
/// is `max`: ⌊log2 max⌋, so that `max · 2^-e` lies in [1, 2), clamped to
/// [`MIN_EXPONENT`]..=[`MAX_EXPONENT`]; `None` when no weight is positive.
pub(crate) fn exponent_of(max: f64) -> Option<i32> {
    if max.is_nan() || max <= 0.0 || max.is_infinite() {
        return None;
    }
    let bits = max.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i32;
    let e = if field == 0 {
        // Subnormal: far below MIN_EXPONENT anyway.
        MIN_EXPONENT
    } else {
        field - 1023
    };
    Some(e.clamp(MIN_EXPONENT, MAX_EXPONENT))
}

/// `x · 2^k`, rounded once (exact whenever the result is a normal number):
/// the exponent is adjusted directly, and only a result below the normal
/// range goes through one multiplication that rounds it to a subnormal or
/// zero. Results beyond `f64::MAX` are infinite (callers never ask for
/// them).
pub(crate) fn ldexp(x: f64, k: i32) -> f64 {
    if x == 0.0 || !x.is_finite() || k == 0 {
        return x;
    }
    let (mut x, mut k) = (x, i64::from(k));
    if x.abs() < f64::MIN_POSITIVE {
        // Subnormal: normalise first (exact).
        x *= f64::from_bits(((1023 + 64) as u64) << 52); // 2^64
        k -= 64;
    }
    let bits = x.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i64;
    let target = field + k;
    if target >= 0x7ff {
        return f64::INFINITY.copysign(x);
    }
    if target >= 1 {
        let cleared = bits & !(0x7ff_u64 << 52);
        return f64::from_bits(cleared | ((target as u64) << 52));
    }
    if target < -60 {
        return 0.0f64.copysign(x);
    }
    // Below the normal range: put the value at exponent field target + 100
    // (normal, exact), then scale by 2^-100 in one rounding step.
    let cleared = bits & !(0x7ff_u64 << 52);
    let lifted = f64::from_bits(cleared | (((target + 100) as u64) << 52));
    lifted * f64::from_bits(((1023 - 100) as u64) << 52)
}

/// A running sum with Neumaier's compensation (Neumaier 1974, an improved
/// Kahan–Babuška sum): the rounding error of each addition is carried in
/// `lo`, so the sum of 10^8 weights stays accurate to a few units in the
/// last place instead of drifting by up to n·ε.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sum {
    hi: f64,
    lo: f64,
}

impl Sum {
    /// A sum that starts at `value`.
    pub(crate) fn from_value(value: f64) -> Sum {
        Sum { hi: value, lo: 0.0 }
    }

    /// Adds `x`, keeping the rounding error.
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.hi + x;
        if self.hi.abs() >= x.abs() {
            self.lo += (self.hi - t) + x;
        } else {
            self.lo += (x - t) + self.hi;
        }
        self.hi = t;
    }

    /// The sum multiplied by 2^k (exact unless it falls below the normal
    /// range).
    pub(crate) fn scaled(&self, k: i32) -> Sum {
        Sum {
            hi: ldexp(self.hi, k),
            lo: ldexp(self.lo, k),
        }
    }

    /// Adds another compensated sum.
    pub(crate) fn merge(&mut self, other: &Sum) {
        self.add(other.hi);
        self.add(other.lo);
    }

    /// The sum, rounded once.
    #[inline]
    pub(crate) fn value(&self) -> f64 {
        self.hi + self.lo
    }
}

#[cfg(test)]
mod tests {
    use super::{Sum, exponent_of, ldexp};

    #[test]
    fn ldexp_matches_repeated_halving_and_doubling() {
        for &x in &[1.0, 1.5, -3.25, 1e-300, 5e-324, 1.7976931348623157e308, 0.1] {
            for k in [-2100, -1100, -1074, -1022, -600, -1, 0, 1, 600, 1023, 2000] {
                // Reference: one step at a time, each exact until the
                // value leaves the normal range, where a single halving
                // rounds (correctly, as every step before was exact).
                let mut r: f64 = x;
                let mut rounded = false;
                if k >= 0 {
                    for _ in 0..k {
                        r *= 2.0;
                    }
                } else {
                    // Scale down in exact steps while normal, then once.
                    let mut left = -k;
                    while left > 0 && r.abs() >= 2.0 * f64::MIN_POSITIVE {
                        r /= 2.0;
                        left -= 1;
                    }
                    if left > 0 {
                        // r is within [MIN_POSITIVE, 2·MIN_POSITIVE) or
                        // subnormal: 2^-left as an exact product of two
                        // factors, rounded once via f64 multiplication.
                        r = if left > 60 {
                            0.0f64.copysign(r)
                        } else {
                            r * 2f64.powi(-left)
                        };
                        rounded = true;
                    }
                }
                let got = ldexp(x, k);
                if r.is_infinite() {
                    assert!(got.is_infinite(), "{x} {k}");
                } else {
                    assert_eq!(
                        got.to_bits(),
                        r.to_bits(),
                        "{x} · 2^{k}: {got} vs {r} ({rounded})"
                    );
                }
            }
        }
    }

    #[test]
    fn exponent_puts_the_largest_weight_in_one_to_two() {
        assert_eq!(exponent_of(1.0), Some(0));
        assert_eq!(exponent_of(1.999), Some(0));
        assert_eq!(exponent_of(2.0), Some(1));
        assert_eq!(exponent_of(0.75), Some(-1));
        assert_eq!(exponent_of(f64::MAX), Some(1023));
        assert_eq!(exponent_of(1e-310), Some(-1000));
        assert_eq!(exponent_of(0.0), None);
        assert_eq!(exponent_of(f64::NAN), None);
    }

    #[test]
    fn compensates_where_naive_summation_drifts() {
        // 1 + 10^6 × 10^-16 + (−1): naive summation loses every small term.
        let mut s = Sum::default();
        s.add(1.0);
        for _ in 0..1_000_000 {
            s.add(1e-16);
        }
        s.add(-1.0);
        // Naive summation returns 0 here (each 1e-16 vanishes against 1).
        assert!((s.value() - 1e-10).abs() < 1e-19, "{}", s.value());
    }

    #[test]
    fn merge_equals_sequential() {
        let mut a = Sum::default();
        let mut b = Sum::default();
        let mut all = Sum::default();
        for i in 0..1000 {
            let x = 0.1 * f64::from(i);
            all.add(x);
            if i % 3 == 0 { a.add(x) } else { b.add(x) }
        }
        a.merge(&b);
        assert_eq!(a.value(), all.value());
        assert_eq!(all.value(), 49_950.0);
    }
}
