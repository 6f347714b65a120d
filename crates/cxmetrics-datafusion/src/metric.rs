//! Which score an aggregate or an estimate computes from a tally.

use cxmetrics::interval::{NpsMethod, ProportionMethod};
use cxmetrics::{ConfidenceLevel, Estimate, Mean, Nps, Scale, Tally, TopBox};
use datafusion_common::{DataFusionError, Result};

use crate::error::core_error;

/// A score of one question, computed from its tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Metric {
    /// Net Promoter Score, in NPS points.
    Nps,
    /// The share of answers in the best `k` points (by the scale's direction).
    TopBox(u32),
    /// The share of answers in the worst `k` points.
    BottomBox(u32),
    /// A mean rating on the scale (CES and mean).
    Mean,
}

impl Metric {
    /// Parses a metric name given to `cx_estimate`: `nps`, `csat` (top 2),
    /// `top<k>` / `top_box:<k>`, `bottom<k>` / `bottom_box:<k>`, `mean`,
    /// `ces`.
    pub(crate) fn parse(text: &str) -> Result<Metric> {
        let t = text.trim().to_ascii_lowercase();
        let k = |rest: &str| rest.trim_start_matches([':', '_', ' ']).parse::<u32>().ok();
        let m = match t.as_str() {
            "nps" => Some(Metric::Nps),
            "csat" => Some(Metric::TopBox(2)),
            "mean" | "ces" => Some(Metric::Mean),
            _ => {
                if let Some(rest) = t.strip_prefix("top_box").or_else(|| t.strip_prefix("top")) {
                    k(rest).map(Metric::TopBox)
                } else if let Some(rest) = t
                    .strip_prefix("bottom_box")
                    .or_else(|| t.strip_prefix("bottom"))
                {
                    k(rest).map(Metric::BottomBox)
                } else {
                    None
                }
            }
        };
        m.ok_or_else(|| {
            DataFusionError::Plan(format!(
                "metric {text:?} is not understood: give nps, csat, mean, ces, top<k> or bottom<k> (e.g. top2)"
            ))
        })
    }

    /// The point value, or `None` when the tally has no rated answers.
    pub(crate) fn value(self, tally: &Tally) -> Result<Option<f64>> {
        if tally.n() == 0 {
            return Ok(None);
        }
        let v = match self {
            Metric::Nps => Nps::from_tally(tally).map(|m| m.score()),
            Metric::TopBox(k) => TopBox::top(tally, k).map(|m| m.share()),
            Metric::BottomBox(k) => TopBox::bottom(tally, k).map(|m| m.share()),
            Metric::Mean => Mean::from_tally(tally).map(|m| m.mean()),
        };
        v.map(Some).map_err(core_error)
    }

    /// The estimate with its interval, by `method` (`None`: the crate's
    /// default for the metric).
    pub(crate) fn estimate(
        self,
        tally: &Tally,
        level: ConfidenceLevel,
        method: Option<&str>,
    ) -> Result<std::result::Result<Estimate, cxmetrics::Error>> {
        let est = match self {
            Metric::Nps => {
                let method: NpsMethod = parse_method(method, "nps")?;
                Nps::from_tally(tally).and_then(|m| m.estimate_with(method, level))
            }
            Metric::TopBox(k) | Metric::BottomBox(k) => {
                let method: ProportionMethod = parse_method(method, "share")?;
                let m = if matches!(self, Metric::TopBox(_)) {
                    TopBox::top(tally, k)
                } else {
                    TopBox::bottom(tally, k)
                };
                m.and_then(|m| m.estimate_with(method, level))
            }
            Metric::Mean => {
                if let Some(name) = method
                    && !matches!(name.trim().to_ascii_lowercase().as_str(), "t" | "student_t")
                {
                    return Err(DataFusionError::Plan(format!(
                        "method {name:?} is not one for a mean: give 'student_t'"
                    )));
                }
                Mean::from_tally(tally).and_then(|m| m.estimate(level))
            }
        };
        Ok(est)
    }

    /// The default scale of a metric's aggregate.
    pub(crate) fn default_scale(self) -> Scale {
        match self {
            Metric::Nps => Scale::NPS,
            Metric::TopBox(_) | Metric::BottomBox(_) | Metric::Mean => Scale::CSAT_5,
        }
    }
}

/// Parses a method name through the core's own (serde) names, so that every
/// method the core has is reachable.
fn parse_method<M: serde::de::DeserializeOwned + Default>(
    name: Option<&str>,
    what: &str,
) -> Result<M> {
    match name {
        None => Ok(M::default()),
        Some(n) => {
            let key = n.trim().to_ascii_lowercase().replace(['-', ' '], "_");
            serde_json::from_value(serde_json::Value::String(key)).map_err(|_| {
                let names = if what == "nps" {
                    "wald, adjusted_wald, trinomial_t"
                } else {
                    "wald, wilson, wilson_cc, agresti_coull, clopper_pearson, jeffreys"
                };
                DataFusionError::Plan(format!(
                    "method {n:?} is not one for a {what} interval: give one of {names}"
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Metric::parse("NPS").unwrap(), Metric::Nps);
        assert_eq!(Metric::parse("csat").unwrap(), Metric::TopBox(2));
        assert_eq!(Metric::parse("top3").unwrap(), Metric::TopBox(3));
        assert_eq!(Metric::parse("top_box:1").unwrap(), Metric::TopBox(1));
        assert_eq!(Metric::parse("bottom2").unwrap(), Metric::BottomBox(2));
        assert_eq!(Metric::parse("ces").unwrap(), Metric::Mean);
        assert!(Metric::parse("median").is_err());
        assert!(Metric::parse("top").is_err());
    }

    #[test]
    fn methods() {
        let m: NpsMethod = parse_method(Some("Trinomial-T"), "nps").unwrap();
        assert_eq!(m, NpsMethod::TrinomialT);
        let m: ProportionMethod = parse_method(Some("clopper_pearson"), "share").unwrap();
        assert_eq!(m, ProportionMethod::ClopperPearson);
        let m: ProportionMethod = parse_method(None, "share").unwrap();
        assert_eq!(m, ProportionMethod::default());
        let e = parse_method::<NpsMethod>(Some("wilson"), "nps").unwrap_err();
        assert!(
            e.to_string()
                .contains("\"wilson\" is not one for a nps interval")
        );
    }
}
