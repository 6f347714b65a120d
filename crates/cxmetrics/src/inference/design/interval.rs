//! Design-based intervals: Korn–Graubard and logit intervals of a share,
//! Wald and t intervals of NPS and means, on the linearized variance.

use crate::foundation::error::Error;
use crate::inference::design::moments::Moments;
use crate::inference::design::statistic::Statistic;
use crate::inference::design::variance_method::VarianceMethod;
use crate::inference::estimate::{Estimate, Interval};
use crate::inference::interval::nps::net_estimate;
use crate::inference::interval::proportion::{clip01, share_interval};
use crate::inference::interval::{
    IntervalSpec, Method, NpsMethod, ProportionMethod, fpc, method_counts,
};

/// The estimate of `statistic` with its design-based interval (see
/// [`Linearized::estimate`](crate::design::Linearized::estimate)): the
/// value is `statistic.report(ȳ)`, and every interval built here contains
/// it (its bounds are widened by the last ulp where rounding put them past
/// it). A score whose own value comes from another formula passes its
/// moments through [`Moments::centred_on`] first.
pub(crate) fn estimate(
    m: &Moments,
    statistic: &Statistic,
    spec: IntervalSpec,
) -> Result<Estimate, Error> {
    let level = spec.confidence_level();
    let v = m.variance.ok_or(Error::TooFewAnswers {
        what: "a linearized standard error",
        needed: 1.0,
        effective_n: m.n as f64,
    })?;
    let f = fpc::factor(spec.population_size(), m.n)?;
    let se = v.sqrt() * f;
    let y = m.mean;
    // R's degrees of freedom, degf(design) = n₊ − 1.
    let df = || {
        if m.n_positive >= 2 {
            Ok((m.n_positive - 1) as f64)
        } else {
            Err(Error::TooFewAnswers {
                what: "a design-based interval (n₊ − 1 degrees of freedom)",
                needed: 1.0,
                effective_n: m.n_positive as f64,
            })
        }
    };
    let design = Some(m.effects(VarianceMethod::Linearized));
    let mut est = Estimate {
        metric: statistic.metric(),
        value: statistic.report(y),
        std_error: se * statistic.se_factor(),
        interval: Interval { lower: y, upper: y },
        level,
        method: Method::StudentT,
        n: m.n,
        effective_n: m.kish_n,
        unit: statistic.unit(),
        design,
    };
    match *statistic {
        Statistic::Share(_, method) => {
            est.method = Method::Proportion(method);
            est.interval = match method {
                ProportionMethod::Wald => clip01(Interval {
                    lower: y - level.z() * se,
                    upper: y + level.z() * se,
                }),
                ProportionMethod::Logit => {
                    if y <= 0.0 || y >= 1.0 {
                        return Err(Error::ZeroVariance {
                            what: "a logit interval",
                            n: m.n,
                        });
                    }
                    let half = level.t(df()?) * se / (y * (1.0 - y));
                    let centre = (y / (1.0 - y)).ln();
                    Interval {
                        lower: expit(centre - half),
                        upper: expit(centre + half),
                    }
                }
                _ => {
                    let n_star = korn_graubard_n(m, v, level, df()?);
                    share_interval(y * n_star, n_star, m.n, method, spec)?.interval
                }
            };
        }
        Statistic::Nps(method) | Statistic::Net { method, .. } => {
            est.method = Method::Nps(method);
            let crit = match method {
                NpsMethod::Wald => level.z(),
                NpsMethod::TrinomialT => level.t(df()?),
                _ => {
                    // Other methods run at the design's effective n.
                    let (p, d) = (m.positive_share, m.negative_share);
                    // A subnormal variance would make n* infinite: capped.
                    let n_star = if v > 0.0 {
                        (crate::inference::interval::nps::multinomial_variance(p, d) / v)
                            .min(f64::MAX)
                    } else {
                        m.kish_n
                    };
                    let ([positive, negative], total) =
                        method_counts(m.n, n_star, [(0, p), (0, d)]);
                    let mut other = net_estimate(
                        positive,
                        negative,
                        total,
                        m.n,
                        statistic.metric(),
                        method,
                        spec,
                    )?;
                    // The score itself, not its round trip through n*.
                    other.value = est.value;
                    other.effective_n = m.kish_n;
                    other.design = design;
                    // Bayesian intervals need not contain the estimate;
                    // score intervals reach it (it is their own centre).
                    return other.sane("a design-based NPS interval");
                }
            };
            est.interval = Interval {
                lower: (y - crit * se).clamp(-1.0, 1.0),
                upper: (y + crit * se).clamp(-1.0, 1.0),
            }
            .scaled(100.0);
        }
        Statistic::Mean { lowest, top } => {
            let half = level.t(df()?) * se;
            // Clipped to the scale: a mean cannot leave it (raked and
            // post-stratified means too; found by fuzzing).
            est.interval = Interval {
                lower: lowest + (y - half).clamp(0.0, top),
                upper: lowest + (y + half).clamp(0.0, top),
            };
            // lowest + offset can round an ulp past the top point.
            est.value = est.value.clamp(lowest, lowest + top);
        }
    }
    est.interval = est.interval.reaching(est.value);
    est.sane("a design-based interval")
}

/// Korn & Graubard's effective sample size of a share:
/// n* = p(1 − p)/V · (t_{n−1}/t_{n₊−1})², as R's `svyciprop` computes it;
/// Kish's effective n when V = 0 (a share of 0 or 1).
fn korn_graubard_n(
    m: &Moments,
    v: f64,
    level: crate::inference::interval::ConfidenceLevel,
    df: f64,
) -> f64 {
    let p = m.mean;
    let base = if v > 0.0 { p * (1.0 - p) / v } else { m.kish_n };
    // Next to a tiny variance p(1 − p) can round to 0 (a share of
    // 1 − 1e-80 is 1.0), which made n* = 0 and the interval NaN (found by
    // fuzzing): use Kish's n then; an n* beyond f64 is capped.
    let base = if base > 0.0 {
        base.min(f64::MAX)
    } else {
        m.kish_n
    };
    if m.n == m.n_positive {
        // No zero weights: the degrees-of-freedom ratio is exactly 1.
        return base;
    }
    let ratio = level.t((m.n - 1) as f64) / level.t(df);
    (base * ratio * ratio).min(f64::MAX)
}

/// The logistic function 1/(1 + e^−x).
fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
