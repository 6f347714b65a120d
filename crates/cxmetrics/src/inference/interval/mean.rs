//! The Student t interval of a mean rating.

use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::unit::Unit;
use crate::inference::estimate::{Estimate, Interval};
use crate::inference::interval::{IntervalSpec, Method, fpc};

/// The Student t interval of a mean rating (on the scale) of `variance`
/// over `n` answers, `effective_n` of them by Kish's count, with the finite
/// population correction of `spec`.
///
/// # Errors
///
/// [`Error::ZeroVariance`] when every answer is the same;
/// [`Error::TooFewDegreesOfFreedom`] below one degree of freedom (an
/// effective n under 2);
/// [`Error::UnboundedInterval`] when the t quantile overflows (an effective
/// n just above 1); the population errors of [`fpc::factor`].
pub(crate) fn student_t(
    mean: f64,
    variance: f64,
    n: u64,
    effective_n: f64,
    spec: IntervalSpec,
) -> Result<Estimate, Error> {
    let level = spec.confidence_level();
    if variance <= 0.0 {
        return Err(Error::ZeroVariance {
            what: "a t interval",
            n,
        });
    }
    let f = fpc::factor(spec.population_size(), n)?;
    let n_eff = effective_n;
    let se = (variance / n_eff).sqrt() * f;
    // Below one degree of freedom (an effective n under 2) the t quantile
    // is meaningless (±4e128 at df 0.01), or beyond f64.
    let df = n_eff - 1.0;
    // (With a rounding allowance: equal weights give n_eff = n ± an ulp.)
    if df < 1.0 - 1e-9 {
        return Err(Error::TooFewDegreesOfFreedom {
            what: "a t interval",
            df,
            needed: 1.0,
            cause: format!("a Kish effective sample size of {n_eff}"),
        });
    }
    let half = level.t(df) * se;
    if !half.is_finite() {
        return Err(Error::UnboundedInterval {
            what: "a t interval",
            df,
        });
    }
    Ok(Estimate {
        metric: Metric::Mean,
        value: mean,
        std_error: se,
        interval: Interval {
            lower: mean - half,
            upper: mean + half,
        },
        level,
        method: Method::StudentT,
        n,
        effective_n: n_eff,
        unit: Unit::ScalePoints,
        design: None,
    })
}
