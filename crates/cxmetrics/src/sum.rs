//! Compensated summation for weight sums.

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
    #[cfg(feature = "serde")]
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
    use super::Sum;

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
