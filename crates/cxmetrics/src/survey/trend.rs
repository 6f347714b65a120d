//! Trends per group: each group's score period by period, its change from
//! the previous (or a base) period, and the multiplicity correction over
//! the family the caller chooses.

use std::collections::BTreeMap;
use std::fmt;

use crate::analysis::compare::Comparison;
use crate::analysis::multiplicity::{Adjustment, adjust};
use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::period::Period;
use crate::foundation::scale::Question;
use crate::inference::estimate::Estimate;
use crate::inference::interval::ConfidenceLevel;
use crate::metrics::score::Score;
use crate::survey::survey::Survey;

/// Which tests a multiplicity correction runs over.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::Family;
/// assert_eq!(Family::default(), Family::WithinGroup);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Family {
    /// Each group's changes over time form one family ("did this channel
    /// really move this year?"). The default.
    #[default]
    WithinGroup,
    /// The groups' changes in one period form one family ("which channels
    /// moved this month?").
    AcrossGroups,
    /// Every change of the table is one family.
    Table,
}

/// What each period is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Base {
    /// The latest earlier period with answers. The default.
    #[default]
    Previous,
    /// The group's first period with answers.
    First,
    /// A chosen period.
    Period(Period),
}

/// How [`Survey::trends`] compares periods.
///
/// # Example
///
/// ```
/// use cxmetrics::multiplicity::Adjustment;
/// use cxmetrics::survey::{Family, TrendOptions};
/// use cxmetrics::ConfidenceLevel;
/// let o = TrendOptions::new(ConfidenceLevel::P95)
///     .family(Family::AcrossGroups)
///     .adjustment(Adjustment::BenjaminiHochberg);
/// assert_eq!(o.level, ConfidenceLevel::P95);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct TrendOptions {
    /// The confidence level of every interval and test.
    pub level: ConfidenceLevel,
    /// The score; `None` for the question's usual one (NPS for an NPS
    /// question, else its top box).
    pub score: Option<Score>,
    /// The multiplicity family.
    pub family: Family,
    /// The correction.
    pub adjustment: Adjustment,
    /// The base of each change.
    pub base: Base,
    /// Weighted figures (when the survey is weighted; the default) or
    /// unweighted.
    pub weighted: bool,
}

impl TrendOptions {
    /// Changes from the previous period at `level`, the question's usual
    /// score, Holm within each group, weighted when the survey is.
    #[must_use]
    pub fn new(level: ConfidenceLevel) -> TrendOptions {
        TrendOptions {
            level,
            score: None,
            family: Family::default(),
            adjustment: Adjustment::default(),
            base: Base::default(),
            weighted: true,
        }
    }

    /// The score to follow.
    #[must_use]
    pub fn score(mut self, score: Score) -> TrendOptions {
        self.score = Some(score);
        self
    }

    /// The multiplicity family.
    #[must_use]
    pub fn family(mut self, family: Family) -> TrendOptions {
        self.family = family;
        self
    }

    /// The correction.
    #[must_use]
    pub fn adjustment(mut self, adjustment: Adjustment) -> TrendOptions {
        self.adjustment = adjustment;
        self
    }

    /// The base of each change.
    #[must_use]
    pub fn base(mut self, base: Base) -> TrendOptions {
        self.base = base;
        self
    }

    /// Unweighted figures even when the survey is weighted.
    #[must_use]
    pub fn unweighted(mut self) -> TrendOptions {
        self.weighted = false;
        self
    }
}

/// One period of one group's trend.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrendRow {
    /// The group's values (empty for a survey without group columns).
    pub group: Vec<String>,
    /// The period.
    pub period: Period,
    /// Rated answers in the period.
    pub n: u64,
    /// The score, or why there is none (an empty period is a gap).
    #[cfg_attr(feature = "serde", serde(with = "crate::foundation::outcome::result"))]
    pub estimate: Result<Estimate, Error>,
    /// The change from the base (this period − base), with its p-value
    /// adjusted within the family; `None` for the base itself or a gap.
    #[cfg_attr(
        feature = "serde",
        serde(with = "crate::foundation::outcome::option_result")
    )]
    pub change: Option<Result<Comparison, Error>>,
    /// The base period of `change`.
    pub base: Option<Period>,
    /// Whether the period has no answers, or the change skips periods
    /// without answers.
    pub gap: bool,
}

/// Every group's trend for one question: rows by group, then period, every
/// period from the first to the last (gaps included).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Trends {
    /// The question.
    pub question: String,
    /// The score followed.
    pub score: Score,
    /// Whether the figures are weighted.
    pub weighted: bool,
    /// The family the p-values were adjusted over.
    pub family: Family,
    /// The correction.
    pub adjustment: Adjustment,
    /// The rows.
    pub rows: Vec<TrendRow>,
}

impl Trends {
    /// The rows of one group.
    pub fn group<'a>(&'a self, group: &'a [&'a str]) -> impl Iterator<Item = &'a TrendRow> + 'a {
        self.rows.iter().filter(move |r| {
            r.group.len() == group.len() && r.group.iter().zip(group).all(|(a, b)| a == b)
        })
    }

    /// The changes that are significant after the correction.
    pub fn significant(&self) -> impl Iterator<Item = (&TrendRow, &Comparison)> {
        self.rows.iter().filter_map(|r| match &r.change {
            Some(Ok(c)) if c.significant => Some((r, c)),
            _ => None,
        })
    }
}

impl fmt::Display for Trends {
    /// An aligned table: group, period, n, the score `value [lower,
    /// upper]` and the change `±d [lower, upper] p_adj=…` (`*` for a
    /// significant one, `gap` after periods without answers).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        writeln!(
            f,
            "{} {} by period ({}; change from the base, {} within {})",
            self.question,
            score_name(self.score),
            if self.weighted {
                "weighted, comparisons at Kish's effective n"
            } else {
                "unweighted"
            },
            self.adjustment,
            match self.family {
                Family::WithinGroup => "each group",
                Family::AcrossGroups => "each period",
                Family::Table => "the table",
            }
        )?;
        let mut lines = vec![vec![
            "group".to_string(),
            "period".to_string(),
            "n".to_string(),
            score_name(self.score).to_string(),
            "change".to_string(),
        ]];
        for r in &self.rows {
            let group = if r.group.is_empty() {
                "All".to_string()
            } else {
                r.group.join(" / ")
            };
            let est = match &r.estimate {
                Ok(e) => format!("{e:#.p$}"),
                Err(_) => "–".to_string(),
            };
            let change = match &r.change {
                Some(Ok(c)) => format!(
                    "{c:#.p$}{}{}",
                    if c.significant { " *" } else { "" },
                    if r.gap { " gap" } else { "" }
                ),
                Some(Err(_)) => "–".to_string(),
                None if r.gap => "gap".to_string(),
                None => String::new(),
            };
            lines.push(vec![
                group,
                r.period.to_string(),
                r.n.to_string(),
                est,
                change,
            ]);
        }
        let widths: Vec<usize> = (0..5)
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
                if i < 2 {
                    write!(f, "{text}{}  ", " ".repeat(pad))?;
                } else if i == 4 {
                    write!(f, "  {text}")?;
                } else {
                    write!(f, "{}{text}  ", " ".repeat(pad))?;
                }
            }
            if li + 1 < lines.len() {
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

fn score_name(score: Score) -> &'static str {
    match score {
        Score::Nps(_) => "NPS",
        Score::TopBox(..) => "top box",
        Score::BottomBox(..) => "bottom box",
        _ => "mean",
    }
}

impl Survey {
    /// Every group's trend for `question`: the score per period (every
    /// period from the first to the last, gaps shown), the change from the
    /// base period, and p-values adjusted over the chosen family.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSurvey`] for an unknown question or a survey
    /// without a period column; the errors of the score for a question it
    /// does not fit (NPS of a 1–5 question).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::survey::{Family, Survey, TrendOptions};
    /// use cxmetrics::{ConfidenceLevel, PeriodUnit};
    /// let mut s = Survey::builder()
    ///     .header(["date", "channel", "nps"])
    ///     .period("date", PeriodUnit::Month)
    ///     .group("channel")
    ///     .nps("nps")
    ///     .build()?;
    /// for (d, c, x) in [("2026-01-03", "web", "10"), ("2026-01-09", "web", "9"),
    ///                   ("2026-02-02", "web", "3"), ("2026-02-05", "web", "2")] {
    ///     s.push_row([d, c, x]);
    /// }
    /// let t = s.trends("nps", &TrendOptions::new(ConfidenceLevel::P95))?;
    /// let feb = t.rows.iter().find(|r| r.period.to_string() == "2026-02").unwrap();
    /// assert_eq!(feb.change.as_ref().unwrap().as_ref().unwrap().difference, -200.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn trends(&self, question: &str, options: &TrendOptions) -> Result<Trends, Error> {
        let q = self
            .question_index(question)
            .ok_or_else(|| Error::InvalidSurvey {
                reason: format!("{question:?} is not a declared question"),
            })?;
        if self.period_unit().is_none() {
            return Err(Error::InvalidSurvey {
                reason: "trends need a period column; declare one with `period`".to_string(),
            });
        }
        let spec = &self.questions()[q];
        let score = options.score.unwrap_or(if spec.kind() == Question::Nps {
            Score::nps()
        } else {
            Score::top_box(spec.top_box())
        });
        let weighted = options.weighted && self.is_weighted();
        let level = options.level;
        // Tallies by group, then period.
        let mut by_group: BTreeMap<Vec<String>, BTreeMap<Period, Tally>> = BTreeMap::new();
        let (mut first, mut last): (Option<Period>, Option<Period>) = (None, None);
        for g in 0..self.key_count() {
            let key = self.key_at(g);
            let Some(period) = key.period() else { continue };
            let Some(t) = self.tally_at(q, g, weighted)? else {
                continue;
            };
            first = Some(first.map_or(period, |f| f.min(period)));
            last = Some(last.map_or(period, |l| l.max(period)));
            let slot = by_group
                .entry(key.groups().to_vec())
                .or_default()
                .entry(period)
                .or_insert_with(|| Tally::new(t.scale()));
            slot.merge(&t)?;
        }
        let periods: Vec<Period> = match (first, last) {
            (Some(a), Some(b)) => a.through(b)?.collect(),
            _ => Vec::new(),
        };
        let mut rows = Vec::new();
        for (group, tallies) in &by_group {
            let mut previous: Option<(Period, &Tally)> = None;
            let mut skipped = false;
            let first_with_answers = tallies
                .iter()
                .find(|(_, t)| t.n() > 0)
                .map(|(p, t)| (*p, t));
            let chosen = match options.base {
                Base::Period(p) => tallies.get(&p).map(|t| (p, t)),
                _ => None,
            };
            for &period in &periods {
                let tally = tallies.get(&period).filter(|t| t.n() > 0);
                let Some(tally) = tally else {
                    rows.push(TrendRow {
                        group: group.clone(),
                        period,
                        n: 0,
                        estimate: Err(Error::EmptyTally {
                            not_applicable: tallies.get(&period).map_or(0, Tally::not_applicable),
                        }),
                        change: None,
                        base: None,
                        gap: true,
                    });
                    if previous.is_some() {
                        skipped = true;
                    }
                    continue;
                };
                let base = match options.base {
                    Base::Previous => previous,
                    Base::First => first_with_answers.filter(|(p, _)| *p != period),
                    Base::Period(_) => chosen.filter(|(p, _)| *p != period),
                };
                let change = base.map(|(_, b)| score.compare(tally, b, level));
                rows.push(TrendRow {
                    group: group.clone(),
                    period,
                    n: tally.n(),
                    estimate: score.estimate(tally, level),
                    change,
                    base: base.map(|(p, _)| p),
                    gap: skipped && matches!(options.base, Base::Previous),
                });
                previous = Some((period, tally));
                skipped = false;
            }
        }
        adjust_families(&mut rows, options.family, options.adjustment)?;
        Ok(Trends {
            question: spec.name().to_string(),
            score,
            weighted,
            family: options.family,
            adjustment: options.adjustment,
            rows,
        })
    }
}

/// Adjusts the p-values of the changes within each family.
fn adjust_families(
    rows: &mut [TrendRow],
    family: Family,
    adjustment: Adjustment,
) -> Result<(), Error> {
    let mut families: BTreeMap<(Vec<String>, Option<Period>), Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(Ok(_)) = r.change {
            let id = match family {
                Family::WithinGroup => (r.group.clone(), None),
                Family::AcrossGroups => (Vec::new(), Some(r.period)),
                Family::Table => (Vec::new(), None),
            };
            families.entry(id).or_default().push(i);
        }
    }
    for members in families.values() {
        let ps: Vec<f64> = members
            .iter()
            .filter_map(|&i| match &rows[i].change {
                Some(Ok(c)) => Some(c.p_value),
                _ => None,
            })
            .collect();
        let adjusted = adjust(&ps, adjustment)?;
        for (&i, a) in members.iter().zip(adjusted) {
            if let Some(Ok(c)) = &mut rows[i].change {
                c.adjusted_p_value = Some(a);
                *c = c.decided();
            }
        }
    }
    Ok(())
}
