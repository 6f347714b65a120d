//! The scale argument of the SQL functions: a preset name or `lo..=hi`.

use cxmetrics::{Polarity, Scale};
use datafusion_common::{DataFusionError, Result};

/// Parses a scale given to a SQL function as a string.
///
/// Accepted forms (case and surrounding spaces ignored):
///
/// - a preset: `nps` (0..=10), `csat5`, `csat7`, `csat10`, `ces7`
///   (1..=7, higher is easier) and `ces5` (1..=5, lower is easier);
/// - a range `lo..=hi` (also `lo..hi` or `lo-hi` when `lo` is not negative,
///   both ends included), higher is better;
/// - a range followed by `lower is better` (or `lower_is_better`,
///   `reversed`), for scales whose best answer is the lowest.
///
/// # Errors
///
/// A plan error naming the text when it is none of these, or the crate's
/// [`cxmetrics::Error::InvalidScale`] message when the range is not a valid
/// scale.
///
/// # Example
///
/// ```
/// use cxmetrics::{Polarity, Scale};
/// use cxmetrics_datafusion::parse_scale;
///
/// assert_eq!(parse_scale("csat5")?, Scale::CSAT_5);
/// assert_eq!(parse_scale("ces5")?, Scale::CES_5);
/// // A range has the points and direction asked for, and no question.
/// let effort = parse_scale("1..=5 lower is better")?;
/// assert_eq!((effort.lowest(), effort.highest()), (1, 5));
/// assert_eq!(effort.polarity(), Polarity::LowerIsBetter);
/// assert_eq!(parse_scale("-3..=3")?, Scale::new(-3, 3, Polarity::HigherIsBetter)?);
/// assert!(parse_scale("1 to 5").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_scale(text: &str) -> Result<Scale> {
    let lower = text.trim().to_ascii_lowercase();
    let preset = match lower.as_str() {
        "nps" => Some(Scale::NPS),
        "csat5" | "csat_5" => Some(Scale::CSAT_5),
        "csat7" | "csat_7" => Some(Scale::CSAT_7),
        "csat10" | "csat_10" => Some(Scale::CSAT_10),
        "ces7" | "ces_7" => Some(Scale::CES_7),
        "ces5" | "ces_5" => Some(Scale::CES_5),
        _ => None,
    };
    if let Some(scale) = preset {
        return Ok(scale);
    }
    let bad = || {
        DataFusionError::Plan(format!(
            "scale {text:?} is not understood: give a preset (nps, csat5, csat7, csat10, ces5, ces7) \
             or a range such as '1..=5', optionally followed by 'lower is better'"
        ))
    };
    // `1..=5 (lower is better)`, as the core displays such a scale.
    let mut rest = lower.as_str().trim_end_matches(')').trim_end();
    let mut polarity = Polarity::HigherIsBetter;
    for suffix in ["lower is better", "lower_is_better", "reversed"] {
        if let Some(head) = rest.strip_suffix(suffix) {
            rest = head.trim_end().trim_end_matches([',', '(']).trim_end();
            polarity = Polarity::LowerIsBetter;
            break;
        }
    }
    let (lo, hi) = if let Some((a, b)) = rest.split_once("..=") {
        (a, b)
    } else if let Some((a, b)) = rest.split_once("..") {
        (a, b)
    } else if let Some((a, b)) = rest.split_once('-').filter(|(a, _)| !a.trim().is_empty()) {
        (a, b)
    } else {
        return Err(bad());
    };
    let parse = |s: &str| s.trim().parse::<i32>().map_err(|_| bad());
    Scale::new(parse(lo)?, parse(hi)?, polarity).map_err(|e| DataFusionError::External(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_ranges() {
        assert_eq!(parse_scale(" NPS ").unwrap(), Scale::NPS);
        assert_eq!(parse_scale("ces7").unwrap(), Scale::CES_7);
        assert_eq!(parse_scale("csat_10").unwrap(), Scale::CSAT_10);
        // A range is a scale of no particular question (`Question::Other`):
        // the same points and direction as the preset.
        let same = |text: &str, preset: Scale| {
            let s = parse_scale(text).unwrap();
            assert_eq!(
                (s.lowest(), s.highest(), s.polarity()),
                (preset.lowest(), preset.highest(), preset.polarity()),
                "{text}"
            );
        };
        same("0-10", Scale::NPS);
        same("1..5", Scale::CSAT_5);
        same("1..=5 (lower is better)", Scale::CES_5);
        same("1..=5, reversed", Scale::CES_5);
        assert_eq!(
            parse_scale("-2..=2").unwrap(),
            Scale::new(-2, 2, Polarity::HigherIsBetter).unwrap()
        );
    }

    #[test]
    fn bad_scales_say_why() {
        let e = parse_scale("one to five").unwrap_err().to_string();
        assert!(e.contains("\"one to five\" is not understood"), "{e}");
        // An empty range is the core's error.
        let e = parse_scale("5..=1").unwrap_err().to_string();
        assert!(e.contains("5") && e.contains("1"), "{e}");
        assert!(parse_scale("-5").is_err());
    }
}
