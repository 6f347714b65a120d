//! Built-in answer wordings of the usual survey scales, so that a text
//! export can be read without typing them out.

/// The wording of each point of a common rating scale, from the worst
/// answer to the best, with the alternative wordings exports use.
///
/// A label set is applied to a scale with
/// [`CellParser::label_set`](crate::input::CellParser::label_set): its
/// first point goes to the scale's *worst* point, so the same set serves a
/// scale asked either way (CES 1–5 with 1 = very easy takes
/// [`LabelSet::EASE_5`] as well as a 1–5 scale with 5 = very easy). Labels
/// match case-insensitively, after trimming. Exports that write a point as
/// `"N - label"` (`"10 - Extremely likely"`) are read by the number, with
/// or without a label set.
///
/// # Example
///
/// ```
/// use cxmetrics::input::{CellParser, LabelSet};
/// use cxmetrics::Scale;
///
/// let csat = CellParser::new(Scale::CSAT_5).label_set(LabelSet::SATISFACTION_5)?;
/// assert_eq!(csat.parse("very satisfied")?.rating().map(|r| r.value()), Some(5));
/// assert_eq!(csat.parse("Neutral")?.rating().map(|r| r.value()), Some(3));
///
/// // CES 1–5 asked as effort (1 = very easy): "Very easy" is the best, 1.
/// let ces = CellParser::new(Scale::CES_5).label_set(LabelSet::EASE_5)?;
/// assert_eq!(ces.parse("Very easy")?.rating().map(|r| r.value()), Some(1));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelSet {
    name: &'static str,
    /// Per point, worst first: the wordings of that point (none for an
    /// unlabelled point between labelled endpoints).
    pub(crate) points: &'static [&'static [&'static str]],
}

impl LabelSet {
    /// Satisfaction on five points: "Very dissatisfied", "Dissatisfied",
    /// "Neither satisfied nor dissatisfied" (or "Neutral"), "Satisfied",
    /// "Very satisfied".
    pub const SATISFACTION_5: LabelSet = LabelSet {
        name: "5-point satisfaction",
        points: &[
            &["Very dissatisfied", "Extremely dissatisfied"],
            &["Dissatisfied", "Somewhat dissatisfied"],
            &["Neither satisfied nor dissatisfied", "Neutral"],
            &["Satisfied", "Somewhat satisfied"],
            &["Very satisfied", "Extremely satisfied"],
        ],
    };

    /// Satisfaction on seven points: "Extremely dissatisfied" …
    /// "Extremely satisfied" (Qualtrics' wording).
    pub const SATISFACTION_7: LabelSet = LabelSet {
        name: "7-point satisfaction",
        points: &[
            &["Extremely dissatisfied", "Very dissatisfied"],
            &["Moderately dissatisfied", "Dissatisfied"],
            &["Slightly dissatisfied", "Somewhat dissatisfied"],
            &["Neither satisfied nor dissatisfied", "Neutral"],
            &["Slightly satisfied", "Somewhat satisfied"],
            &["Moderately satisfied", "Satisfied"],
            &["Extremely satisfied", "Very satisfied"],
        ],
    };

    /// Agreement on five points: "Strongly disagree", "Disagree",
    /// "Neither agree nor disagree" (or "Neutral"), "Agree", "Strongly
    /// agree".
    pub const AGREEMENT_5: LabelSet = LabelSet {
        name: "5-point agreement",
        points: &[
            &["Strongly disagree"],
            &["Disagree", "Somewhat disagree"],
            &["Neither agree nor disagree", "Neutral"],
            &["Agree", "Somewhat agree"],
            &["Strongly agree"],
        ],
    };

    /// Agreement on seven points, as Gartner's CES 2.0 item asks it
    /// ("The company made it easy for me to handle my issue"): "Strongly
    /// disagree", "Disagree", "Somewhat disagree", "Neither agree nor
    /// disagree", "Somewhat agree", "Agree", "Strongly agree".
    pub const AGREEMENT_7: LabelSet = LabelSet {
        name: "7-point agreement",
        points: &[
            &["Strongly disagree"],
            &["Disagree"],
            &["Somewhat disagree"],
            &["Neither agree nor disagree", "Neutral"],
            &["Somewhat agree"],
            &["Agree"],
            &["Strongly agree"],
        ],
    };

    /// Ease on five points: "Very difficult", "Difficult", "Neither easy
    /// nor difficult" (or "Neutral"), "Easy", "Very easy".
    pub const EASE_5: LabelSet = LabelSet {
        name: "5-point ease",
        points: &[
            &["Very difficult"],
            &["Difficult", "Somewhat difficult"],
            &["Neither easy nor difficult", "Neutral"],
            &["Easy", "Somewhat easy"],
            &["Very easy"],
        ],
    };

    /// Ease on seven points: "Very difficult", "Difficult", "Somewhat
    /// difficult", "Neither easy nor difficult", "Somewhat easy", "Easy",
    /// "Very easy".
    pub const EASE_7: LabelSet = LabelSet {
        name: "7-point ease",
        points: &[
            &["Very difficult", "Extremely difficult"],
            &["Difficult"],
            &["Somewhat difficult"],
            &["Neither easy nor difficult", "Neutral"],
            &["Somewhat easy"],
            &["Easy"],
            &["Very easy", "Extremely easy"],
        ],
    };

    /// Effort on five points, worst first: "Very high effort", "High
    /// effort", "Moderate effort", "Low effort", "Very low effort".
    pub const EFFORT_5: LabelSet = LabelSet {
        name: "5-point effort",
        points: &[
            &["Very high effort"],
            &["High effort"],
            &["Moderate effort", "Neutral"],
            &["Low effort"],
            &["Very low effort"],
        ],
    };

    /// The endpoints of the 0–10 likelihood-to-recommend question: 0 "Not
    /// at all likely" (or "Extremely unlikely"), 10 "Extremely likely";
    /// the points between are read as numbers (or `"N - label"`).
    pub const LIKELIHOOD_11: LabelSet = LabelSet {
        name: "0-10 likelihood",
        points: &[
            &["Not at all likely", "Extremely unlikely"],
            &[],
            &[],
            &[],
            &[],
            &["Neither likely nor unlikely"],
            &[],
            &[],
            &[],
            &[],
            &["Extremely likely"],
        ],
    };

    /// The set's name, e.g. `"5-point satisfaction"`.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The number of points the set labels.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the set labels no point (never true of the built-in sets).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The wordings of each point, worst first.
    pub fn points(&self) -> impl ExactSizeIterator<Item = &'static [&'static str]> {
        self.points.iter().copied()
    }
}
