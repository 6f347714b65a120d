//! The scorecard: one row per key (period × groups, the roll-ups and the
//! total) and, per question, its metrics with intervals, weighted and
//! unweighted.

use std::collections::BTreeMap;
use std::fmt;

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::period::Period;
use crate::foundation::scale::Question;
use crate::foundation::unit::Unit;
use crate::inference::design::linearized::Linearized;
use crate::inference::design::moments::is_unweighted;
use crate::inference::design::statistic::Statistic;
use crate::inference::estimate::Estimate;
use crate::inference::interval::proportion::proportion;
use crate::inference::interval::{ConfidenceLevel, ProportionMethod};
use crate::metrics::mean::Mean;
use crate::metrics::nps::Nps;
use crate::metrics::top_box::TopBox;
use crate::survey::key::Key;
use crate::survey::survey::Survey;

/// A row of a scorecard: a period (or all periods) and group values (or
/// all), so that roll-ups and the total sit beside the cells.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::CardKey;
/// let total = CardKey::total(2);
/// assert!(total.is_total());
/// assert_eq!(total.to_string(), "All / All / All");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CardKey {
    /// The period; `None` for all periods (or a survey without periods).
    pub period: Option<Period>,
    /// Per group column its value; `None` for all values.
    pub groups: Vec<Option<String>>,
}

impl CardKey {
    /// The key of the whole survey, with `groups` group columns.
    #[must_use]
    pub fn total(groups: usize) -> CardKey {
        CardKey {
            period: None,
            groups: vec![None; groups],
        }
    }

    /// Whether this is the whole survey.
    #[must_use]
    pub fn is_total(&self) -> bool {
        self.period.is_none() && self.groups.iter().all(Option::is_none)
    }

    fn contains(&self, key: &Key) -> bool {
        self.period.is_none_or(|p| key.period() == Some(p))
            && self
                .groups
                .iter()
                .zip(key.groups())
                .all(|(want, have)| want.as_ref().is_none_or(|w| w == have))
    }
}

impl fmt::Display for CardKey {
    /// The period and group values separated by ` / `, `All` for a
    /// rolled-up one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.period {
            Some(p) => write!(f, "{p}")?,
            None => f.write_str("All")?,
        }
        for g in &self.groups {
            write!(f, " / {}", g.as_deref().unwrap_or("All"))?;
        }
        Ok(())
    }
}

/// Which metric a scorecard figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CardMetric {
    /// Net Promoter Score, in points.
    Nps,
    /// The share of promoters (9–10).
    Promoters,
    /// The share of passives (7–8).
    Passives,
    /// The share of detractors (0–6).
    Detractors,
    /// The top-box share ("% easy" for effort), of the question's box.
    TopBox,
    /// The mean, in scale points.
    Mean,
}

impl fmt::Display for CardMetric {
    /// `NPS`, `promoters`, `passives`, `detractors`, `top box`, `mean`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CardMetric::Nps => "NPS",
            CardMetric::Promoters => "promoters",
            CardMetric::Passives => "passives",
            CardMetric::Detractors => "detractors",
            CardMetric::TopBox => "top box",
            CardMetric::Mean => "mean",
        })
    }
}

/// One question's figures for one row, weighted or unweighted.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Figures {
    /// Rated answers.
    pub n: u64,
    /// Not-applicable answers.
    pub not_applicable: u64,
    /// Kish's effective sample size (n when unweighted).
    pub effective_n: f64,
    /// Whether n is below the survey's minimum (the figures are shown but
    /// flagged).
    pub below_min_n: bool,
    /// Each metric with its interval, or why there is none.
    #[cfg_attr(feature = "serde", serde(with = "metric_list"))]
    pub metrics: Vec<(CardMetric, Result<Estimate, Error>)>,
}

impl Figures {
    /// The estimate of `metric`, if this question has it.
    #[must_use]
    pub fn get(&self, metric: CardMetric) -> Option<&Result<Estimate, Error>> {
        self.metrics
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, e)| e)
    }

    fn of(tally: &Tally, kind: Question, k: u32, level: ConfidenceLevel, min_n: u64) -> Figures {
        let n = tally.n();
        let mut metrics = Vec::new();
        if kind == Question::Nps {
            let nps = Nps::from_tally(tally);
            metrics.push((
                CardMetric::Nps,
                nps.as_ref()
                    .map_err(Clone::clone)
                    .and_then(|s| s.estimate(level)),
            ));
            metrics.push((
                CardMetric::Promoters,
                TopBox::top(tally, 2).and_then(|t| t.estimate(level)),
            ));
            metrics.push((CardMetric::Passives, passives(tally, level)));
            metrics.push((
                CardMetric::Detractors,
                TopBox::bottom(tally, 7).and_then(|t| t.estimate(level)),
            ));
        } else {
            metrics.push((
                CardMetric::TopBox,
                TopBox::top(tally, k).and_then(|t| t.estimate(level)),
            ));
        }
        metrics.push((
            CardMetric::Mean,
            Mean::from_tally(tally).and_then(|m| m.estimate(level)),
        ));
        Figures {
            n,
            not_applicable: tally.not_applicable(),
            effective_n: if n == 0 { 0.0 } else { tally.effective_n() },
            below_min_n: n < min_n,
            metrics,
        }
    }
}

/// The passive share (7–8) with its Wilson interval: from the counts
/// when the answers are unweighted, design-based (Korn–Graubard effective
/// n, as every weighted share) when weighted.
fn passives(tally: &Tally, level: ConfidenceLevel) -> Result<Estimate, Error> {
    Nps::from_tally(tally)?;
    if is_unweighted(tally.point_sums(), tally.weight_exponent()) {
        let c = tally.counts();
        proportion(c[7] + c[8], tally.n(), ProportionMethod::Wilson, level)
    } else {
        Linearized::of_statistic(tally, Statistic::Share(7..9, ProportionMethod::Wilson))?
            .estimate(level)
    }
}

/// One question's cell of a scorecard row.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuestionCell {
    /// The question's name.
    pub question: String,
    /// Unweighted figures.
    pub unweighted: Figures,
    /// Weighted figures (design-based intervals), when the survey has a
    /// weight column.
    pub weighted: Option<Figures>,
}

impl QuestionCell {
    /// The weighted figures when there are any, else the unweighted.
    #[must_use]
    pub fn headline(&self) -> &Figures {
        self.weighted.as_ref().unwrap_or(&self.unweighted)
    }
}

/// One row of a scorecard.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CardRow {
    /// The row's key.
    pub key: CardKey,
    /// Per question, in declaration order.
    pub questions: Vec<QuestionCell>,
}

/// A survey's scorecard: a row per period × groups, per period, per group
/// and for the total, with every question's metrics (NPS and its parts, or
/// the top box, and the mean) and their intervals, weighted and
/// unweighted, and a flag below the minimum n.
///
/// `Display` prints an aligned text table (weighted figures when the
/// survey is weighted); [`Scorecard::records`] gives flat records for a
/// dashboard or a data frame (serde).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Scorecard {
    /// The confidence level of every interval.
    pub level: ConfidenceLevel,
    /// The group columns' names.
    pub group_columns: Vec<String>,
    /// The smallest n not flagged.
    pub min_n: u64,
    /// The rows: cells in key order, then the roll-ups by period, by
    /// groups, and the total last.
    pub rows: Vec<CardRow>,
}

/// One figure of a scorecard as a flat record.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CardRecord {
    /// The period (`"2026-03"`), or `"All"`.
    pub period: String,
    /// Per group column, its value or `"All"`.
    pub groups: BTreeMap<String, String>,
    /// The question.
    pub question: String,
    /// The metric.
    pub metric: CardMetric,
    /// Whether the figure is weighted.
    pub weighted: bool,
    /// The value (a share as a fraction, NPS in points, a mean in scale
    /// points; see `unit`), or `None` with `error`.
    pub value: Option<f64>,
    /// The interval's lower bound.
    pub lower: Option<f64>,
    /// The interval's upper bound.
    pub upper: Option<f64>,
    /// The value's unit.
    pub unit: Option<Unit>,
    /// Rated answers.
    pub n: u64,
    /// Not-applicable answers.
    pub not_applicable: u64,
    /// Kish's effective sample size.
    pub effective_n: f64,
    /// Whether n is below the survey's minimum.
    pub below_min_n: bool,
    /// Why there is no value, if there is none.
    pub error: Option<String>,
}

impl Scorecard {
    /// The row of a key.
    #[must_use]
    pub fn row(&self, key: &CardKey) -> Option<&CardRow> {
        self.rows.iter().find(|r| &r.key == key)
    }

    /// A question's cell in the total row.
    #[must_use]
    pub fn total(&self, question: &str) -> Option<&QuestionCell> {
        self.rows
            .iter()
            .find(|r| r.key.is_total())?
            .questions
            .iter()
            .find(|q| q.question.eq_ignore_ascii_case(question))
    }

    /// Every figure as a flat record, row by row, question by question,
    /// unweighted then weighted.
    #[must_use]
    pub fn records(&self) -> Vec<CardRecord> {
        let mut out = Vec::new();
        for row in &self.rows {
            let period = row
                .key
                .period
                .map_or_else(|| "All".to_string(), |p| p.to_string());
            let groups: BTreeMap<String, String> = self
                .group_columns
                .iter()
                .zip(&row.key.groups)
                .map(|(c, v)| (c.clone(), v.clone().unwrap_or_else(|| "All".to_string())))
                .collect();
            for cell in &row.questions {
                let sides = [
                    (false, Some(&cell.unweighted)),
                    (true, cell.weighted.as_ref()),
                ];
                for (weighted, figures) in sides {
                    let Some(f) = figures else { continue };
                    for (metric, est) in &f.metrics {
                        let (value, lower, upper, unit, error) = match est {
                            Ok(e) => (
                                Some(e.value),
                                Some(e.interval.lower),
                                Some(e.interval.upper),
                                Some(e.unit),
                                None,
                            ),
                            Err(e) => (None, None, None, None, Some(e.to_string())),
                        };
                        out.push(CardRecord {
                            period: period.clone(),
                            groups: groups.clone(),
                            question: cell.question.clone(),
                            metric: *metric,
                            weighted,
                            value,
                            lower,
                            upper,
                            unit,
                            n: f.n,
                            not_applicable: f.not_applicable,
                            effective_n: f.effective_n,
                            below_min_n: f.below_min_n,
                            error,
                        });
                    }
                }
            }
        }
        out
    }
}

impl fmt::Display for Scorecard {
    /// One block per question: a row per key with n, n/a and each metric
    /// as `value [lower, upper]` (weighted when the survey is weighted),
    /// `*` marking n below the minimum, `–` a figure that cannot be given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.rows.first() else {
            return f.write_str("(no answers)");
        };
        let p = f.precision().unwrap_or(1);
        for (q, cell) in first.questions.iter().enumerate() {
            if q > 0 {
                writeln!(f)?;
            }
            let weighted = cell.weighted.is_some();
            let metrics: Vec<CardMetric> =
                cell.headline().metrics.iter().map(|(m, _)| *m).collect();
            let mut key_name = vec!["period".to_string()];
            key_name.extend(self.group_columns.iter().cloned());
            let mut header = vec![key_name.join(" / "), "n".to_string(), "n/a".to_string()];
            header.extend(metrics.iter().map(ToString::to_string));
            let mut lines = vec![header];
            for row in &self.rows {
                let c = row.questions[q].headline();
                let mut line = vec![
                    row.key.to_string(),
                    format!("{}{}", c.n, if c.below_min_n { "*" } else { "" }),
                    c.not_applicable.to_string(),
                ];
                for (_, est) in &c.metrics {
                    line.push(match est {
                        Ok(e) => format!("{e:#.p$}"),
                        Err(_) => "–".to_string(),
                    });
                }
                lines.push(line);
            }
            writeln!(
                f,
                "{} ({}, {} CI{}; * n < {})",
                cell.question,
                if weighted { "weighted" } else { "unweighted" },
                self.level,
                if weighted { ", design-based" } else { "" },
                self.min_n
            )?;
            let widths: Vec<usize> = (0..lines[0].len())
                .map(|i| {
                    lines
                        .iter()
                        .map(|l| l[i].chars().count())
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for (li, line) in lines.iter().enumerate() {
                for (i, text) in line.iter().enumerate() {
                    let pad = widths[i] - text.chars().count();
                    if i == 0 {
                        write!(f, "{text}{}", " ".repeat(pad))?;
                    } else {
                        write!(f, "  {}{text}", " ".repeat(pad))?;
                    }
                }
                if li + 1 < lines.len() || q + 1 < first.questions.len() {
                    writeln!(f)?;
                }
            }
        }
        Ok(())
    }
}

impl Survey {
    /// The scorecard at `level`: cells (period × groups) in key order, then
    /// every period over all groups, every group combination over all
    /// periods, and the total.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::survey::{CardKey, CardMetric, Survey};
    /// use cxmetrics::{ConfidenceLevel, Scale};
    /// let mut s = Survey::builder().header(["channel", "nps"]).group("channel").nps("nps").build()?;
    /// for row in [["web", "10"], ["web", "9"], ["app", "3"], ["app", "10"]] {
    ///     s.push_row(row);
    /// }
    /// let card = s.scorecard(ConfidenceLevel::P95);
    /// let total = card.total("nps").unwrap();
    /// let nps = total.unweighted.get(CardMetric::Nps).unwrap().as_ref().unwrap();
    /// assert_eq!(nps.value, 50.0);
    /// assert_eq!(card.rows.len(), 3); // app, web, total
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn scorecard(&self, level: ConfidenceLevel) -> Scorecard {
        let keys: Vec<Key> = (0..self.key_count()).map(|g| self.key_at(g)).collect();
        let groups = self.group_columns().len();
        let has_period = self.period_unit().is_some();
        let mut card_keys: Vec<CardKey> = Vec::new();
        let mut cells: Vec<CardKey> = keys
            .iter()
            .map(|k| CardKey {
                period: k.period(),
                groups: k.groups().iter().cloned().map(Some).collect(),
            })
            .collect();
        cells.sort();
        card_keys.extend(cells.iter().cloned());
        if has_period && groups > 0 {
            let mut periods: Vec<CardKey> = keys
                .iter()
                .map(|k| CardKey {
                    period: k.period(),
                    groups: vec![None; groups],
                })
                .collect();
            periods.sort();
            periods.dedup();
            card_keys.extend(periods);
            let mut by_group: Vec<CardKey> = keys
                .iter()
                .map(|k| CardKey {
                    period: None,
                    groups: k.groups().iter().cloned().map(Some).collect(),
                })
                .collect();
            by_group.sort();
            by_group.dedup();
            card_keys.extend(by_group);
        }
        let total = CardKey::total(groups);
        if !card_keys.contains(&total) {
            card_keys.push(total);
        }
        let rows = card_keys
            .into_iter()
            .map(|card_key| {
                let members: Vec<usize> = keys
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| card_key.contains(k))
                    .map(|(g, _)| g)
                    .collect();
                let questions = self
                    .questions()
                    .iter()
                    .enumerate()
                    .map(|(q, spec)| {
                        let figures = |weighted: bool| -> Option<Figures> {
                            let mut sum = Tally::new(self.scale_of(q));
                            for &g in &members {
                                match self.tally_at(q, g, weighted) {
                                    Ok(Some(t)) => {
                                        if sum.merge(&t).is_err() {
                                            return None;
                                        }
                                    }
                                    _ => return None,
                                }
                            }
                            Some(Figures::of(
                                &sum,
                                spec.kind(),
                                spec.top_box(),
                                level,
                                self.min_n(),
                            ))
                        };
                        QuestionCell {
                            question: spec.name().to_string(),
                            unweighted: figures(false).unwrap_or_else(|| {
                                Figures::of(
                                    &Tally::new(self.scale_of(q)),
                                    spec.kind(),
                                    spec.top_box(),
                                    level,
                                    self.min_n(),
                                )
                            }),
                            weighted: if self.is_weighted() {
                                figures(true)
                            } else {
                                None
                            },
                        }
                    })
                    .collect();
                CardRow {
                    key: card_key,
                    questions,
                }
            })
            .collect();
        Scorecard {
            level,
            group_columns: self.group_columns().to_vec(),
            min_n: self.min_n(),
            rows,
        }
    }
}

#[cfg(feature = "serde")]
mod metric_list {
    //! Serde for a list of (metric, estimate-or-error), through the
    //! crate's result encoding.
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::CardMetric;
    use crate::foundation::error::Error;
    use crate::inference::estimate::Estimate;

    #[derive(Serialize, Deserialize)]
    struct Item {
        metric: CardMetric,
        #[serde(with = "crate::foundation::outcome::result")]
        estimate: Result<Estimate, Error>,
    }

    pub(super) fn serialize<S: Serializer>(
        list: &[(CardMetric, Result<Estimate, Error>)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let items: Vec<Item> = list
            .iter()
            .map(|(metric, estimate)| Item {
                metric: *metric,
                estimate: estimate.clone(),
            })
            .collect();
        items.serialize(s)
    }

    type Metrics = Vec<(CardMetric, Result<Estimate, Error>)>;

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Metrics, D::Error> {
        Ok(Vec::<Item>::deserialize(d)?
            .into_iter()
            .map(|i| (i.metric, i.estimate))
            .collect())
    }
}
