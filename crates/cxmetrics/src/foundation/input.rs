//! Text input: answers read from the cells of a survey export, and the
//! ingest report of a lenient batch.
//!
//! A [`CellParser`] reads one question's cells: it trims surrounding
//! spaces, accepts whole numbers written as integers or integral decimals
//! (`"9"`, `" 9.0 "`), recognises "not applicable" tokens (by default
//! `""`, `"N/A"`, `"n/a"`, `"NA"` and `"-"`, in any case), and maps labels
//! of a labelled scale (`"Very satisfied"` → 5, case-insensitive). Every
//! rejected cell is an [`Error::InvalidCell`] naming the cell's text, the
//! [`RejectCause`] and the values allowed.
//!
//! # The cell grammar
//!
//! A cell is read in this order:
//!
//! 1. A byte-order mark (U+FEFF) at its start is dropped (a file's first
//!    cell often carries one), then surrounding white space.
//! 2. A not-applicable token, compared ignoring case (`"na"`,
//!    `"N/a"` and `"NA"` are all the default token `NA`).
//! 3. A number, which must be written as a plain decimal:
//!    `-?[0-9]+(\.[0-9]+)?`. Its fraction, if any, must be all zeros
//!    (`"9.0"`, `"9.000"`), else the cell is [`RejectCause::NotWhole`] —
//!    also when the decimal would only round to a whole number as an
//!    `f64` (`"4.9999999999999999"`, `"9.0000000000000001"`). A whole
//!    number off the scale (however many digits) is
//!    [`RejectCause::OutOfRange`].
//! 4. A label (ignoring case).
//! 5. A numbered label as survey tools export them, `"10 - Extremely
//!    likely"` (also `–`, `=` or `:` between), read as its number (off the
//!    scale: [`RejectCause::OutOfRange`]).
//!
//! Everything else is [`RejectCause::NotANumber`]: in particular a leading
//! `+`, a trailing or leading point (`"10."`, `".5"`), scientific notation
//! (`"1e1"`, `"1e-400"`), `inf` and `NaN`. A survey cell is an answer
//! someone chose on a scale, not a computed value, so anything but the way
//! a point is written is more likely a shifted column or a corrupted export
//! than an answer. (Weight cells, which are computed, are read as any
//! finite decimal, exponents included: see [`parse_weight`].)
//!
//! Batches come in two modes. [`CellParser::parse_all`] is all-or-nothing,
//! like every other batch of the crate: the first bad cell is an error
//! naming its index, and nothing is returned. [`CellParser::parse_lenient`]
//! (or [`IngestReport::record`] row by row, for keyed or multi-column data)
//! keeps the good answers and counts every other row in an
//! [`IngestReport`]: accepted, not applicable, and rejected by cause with
//! the first few row numbers of each. Nothing is dropped without being
//! counted.
//!
//! # Example
//!
//! ```
//! use cxmetrics::input::{CellParser, RejectCause};
//! use cxmetrics::{Scale, Tally};
//!
//! let cells = ["10", " 9.0", "", "N/A", "abc", "11", "7"];
//! let (answers, report) = CellParser::new(Scale::NPS).parse_lenient(cells);
//! let tally = Tally::from_responses(Scale::NPS, answers)?;
//! assert_eq!((tally.n(), tally.not_applicable()), (3, 2));
//! assert_eq!((report.accepted(), report.not_applicable(), report.rejected()), (3, 2, 2));
//! assert_eq!(report.rows_rejected_for(RejectCause::NotANumber), [4]);
//! assert_eq!(report.rows_rejected_for(RejectCause::OutOfRange), [5]);
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use std::fmt;

pub use crate::foundation::labels::LabelSet;
pub use crate::foundation::reject::RejectCause;
use crate::foundation::scale::Polarity;

use crate::foundation::error::Error;
use crate::foundation::response::{Response, Weight};
use crate::foundation::scale::{Rating, Scale};

/// The "not applicable" tokens a [`CellParser`] accepts unless told
/// otherwise: an empty cell, `N/A`, `n/a`, `NA` and `-` (compared after
/// trimming surrounding spaces, ignoring case, so `"na"` and `"N/a"`
/// are tokens too).
pub const DEFAULT_NOT_APPLICABLE: [&str; 5] = ["", "N/A", "n/a", "NA", "-"];

/// How many row numbers an [`IngestReport`] keeps per cause.
pub const FIRST_ROWS: usize = 5;

/// The longest cell text (in characters) quoted in an error message.
const QUOTE_LIMIT: usize = 40;

impl RejectCause {
    /// The cause of an error from this module or from the checks of
    /// [`Scale::rating`] and [`Weight::new`]: [`RejectCause::Other`] for any
    /// other error.
    ///
    /// ```
    /// use cxmetrics::input::RejectCause;
    /// use cxmetrics::{Scale, Weight};
    /// assert_eq!(RejectCause::of(&Scale::NPS.rating(12).unwrap_err()), RejectCause::OutOfRange);
    /// assert_eq!(RejectCause::of(&Weight::new(-1.0).unwrap_err()), RejectCause::BadWeight);
    /// ```
    #[must_use]
    pub fn of(error: &Error) -> RejectCause {
        match error {
            Error::InvalidCell { cause, .. } => *cause,
            Error::ScoreOutOfRange { .. } => RejectCause::OutOfRange,
            Error::InvalidScore { score, .. } if score.is_finite() => RejectCause::NotWhole,
            Error::InvalidScore { .. } => RejectCause::NotANumber,
            Error::InvalidWeight { .. } => RejectCause::BadWeight,
            Error::InvalidBatchItem { error, .. } => RejectCause::of(error),
            _ => RejectCause::Other,
        }
    }
}

/// The number of a cell written `"N - label"` (also `N – label`,
/// `N = label`, `N: label`), as survey tools export labelled points.
fn numbered_label(text: &str) -> Option<i64> {
    let digits_end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(text.len(), |(i, _)| i);
    let (number, rest) = text.split_at(digits_end);
    if number.is_empty() || number == "-" || number.len() > 10 {
        return None;
    }
    let rest = rest.trim_start();
    let label = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('\u{2013}'))
        .or_else(|| rest.strip_prefix('='))
        .or_else(|| rest.strip_prefix(':'))?;
    // A separator then a label: "5 - Very satisfied", not "5-" or "5 -".
    if !label.starts_with(char::is_whitespace) || label.trim().is_empty() {
        return None;
    }
    number.parse().ok()
}

/// Reads one question's answers from text cells.
///
/// # Example
///
/// ```
/// use cxmetrics::input::CellParser;
/// use cxmetrics::{Response, Scale};
///
/// let csat = CellParser::new(Scale::CSAT_5)
///     .labels([("Very dissatisfied", 1), ("Dissatisfied", 2), ("Neutral", 3),
///              ("Satisfied", 4), ("Very satisfied", 5)])?
///     .not_applicable(["", "Does not apply"]);
/// assert_eq!(csat.parse("  very SATISFIED ")?.rating().map(|r| r.value()), Some(5));
/// assert_eq!(csat.parse("4.0")?.rating().map(|r| r.value()), Some(4));
/// assert_eq!(csat.parse("Does not apply")?, Response::NotApplicable);
/// let err = csat.parse("N/A").unwrap_err(); // not a token of this parser
/// assert!(err.to_string().contains(r#"cell "N/A""#));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CellParser {
    scale: Scale,
    /// `None`: [`DEFAULT_NOT_APPLICABLE`].
    not_applicable: Option<Vec<String>>,
    /// Labels as given (trimmed) and in lower case, with their points, in
    /// the order given.
    labels: Vec<Label>,
}

impl CellParser {
    /// A parser for `scale` with the default not-applicable tokens
    /// ([`DEFAULT_NOT_APPLICABLE`]) and no labels.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::{Response, Scale};
    /// assert_eq!(CellParser::new(Scale::NPS).parse("n/a")?, Response::NotApplicable);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn new(scale: Scale) -> CellParser {
        CellParser {
            scale,
            not_applicable: None,
            labels: Vec::new(),
        }
    }

    /// The parser's scale.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// assert_eq!(CellParser::new(Scale::CES_7).scale(), Scale::CES_7);
    /// ```
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Replaces the not-applicable tokens. Tokens are compared with the
    /// trimmed cell, ignoring case; list an empty string to read
    /// empty cells as not applicable (pass no tokens to reject them).
    /// Labels already added that equal a new token are never read (the
    /// token wins); add labels after the tokens to have such clashes
    /// refused by [`CellParser::label`].
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::{Response, Scale};
    /// let p = CellParser::new(Scale::NPS).not_applicable(["skipped"]);
    /// assert_eq!(p.parse("skipped")?, Response::NotApplicable);
    /// assert!(p.parse("").is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn not_applicable<I, S>(mut self, tokens: I) -> CellParser
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.not_applicable = Some(
            tokens
                .into_iter()
                .map(|t| t.as_ref().trim().to_string())
                .collect(),
        );
        self
    }

    /// Adds one label of a labelled scale: a cell reading `label` (trimmed,
    /// in any case) is the point `point`. A label given twice keeps the
    /// last point.
    ///
    /// # Errors
    ///
    /// [`Error::ScoreOutOfRange`] when `point` is not on the scale;
    /// [`Error::InvalidLabel`] when the label could never be read: it
    /// reads as a number (`"5"`, `"-1"`, `"9.0"`, which a cell matches
    /// first) or is one of the parser's not-applicable tokens (`"N/A"`,
    /// `""`).
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// let p = CellParser::new(Scale::CES_7).label("Strongly agree", 7)?;
    /// assert_eq!(p.parse("STRONGLY AGREE")?.rating().map(|r| r.value()), Some(7));
    /// assert!(CellParser::new(Scale::CES_7).label("Off the scale", 8).is_err());
    /// assert!(CellParser::new(Scale::CES_7).label("5", 1).is_err());
    /// assert!(CellParser::new(Scale::CES_7).label("n/a", 1).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn label(mut self, label: &str, point: i32) -> Result<CellParser, Error> {
        self.scale.rating(point)?;
        let text = clean(label);
        let reason = if parse_cell_number(text).is_some() {
            Some("it reads as a number, which a cell matches before any label")
        } else if self.is_not_applicable(text) {
            Some("it is a not-applicable token of this parser")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(Error::InvalidLabel {
                label: quoted(label),
                reason,
            });
        }
        let key = text.to_lowercase();
        self.labels.retain(|l| l.key != key);
        self.labels.push(Label {
            text: text.to_string(),
            key,
            point,
        });
        Ok(self)
    }

    /// Adds several labels, as [`CellParser::label`].
    ///
    /// # Errors
    ///
    /// As [`CellParser::label`], for the first bad label.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// let p = CellParser::new(Scale::CES_5).labels([("Very easy", 1), ("Very difficult", 5)])?;
    /// assert_eq!(p.parse("very easy")?.rating().map(|r| r.value()), Some(1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn labels<I, S>(self, labels: I) -> Result<CellParser, Error>
    where
        I: IntoIterator<Item = (S, i32)>,
        S: AsRef<str>,
    {
        labels
            .into_iter()
            .try_fold(self, |p, (label, point)| p.label(label.as_ref(), point))
    }

    /// Whether a trimmed cell is a not-applicable token (case-insensitive).
    fn is_not_applicable(&self, cell: &str) -> bool {
        let same = |t: &str| {
            t.eq_ignore_ascii_case(cell)
                || (!t.is_ascii() && t.to_lowercase() == cell.to_lowercase())
        };
        match &self.not_applicable {
            None => DEFAULT_NOT_APPLICABLE.iter().any(|t| same(t)),
            Some(tokens) => tokens.iter().any(|t| same(t)),
        }
    }

    /// Adds not-applicable tokens to the ones the parser has (the
    /// defaults, [`DEFAULT_NOT_APPLICABLE`], unless replaced by
    /// [`CellParser::not_applicable`]). Tokens match case-insensitively,
    /// after trimming.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::{Response, Scale};
    /// let p = CellParser::new(Scale::CSAT_5).also_not_applicable(["Don't know"]);
    /// assert_eq!(p.parse("don't KNOW")?, Response::NotApplicable);
    /// assert_eq!(p.parse("n/a")?, Response::NotApplicable); // the defaults stay
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn also_not_applicable<I, S>(mut self, tokens: I) -> CellParser
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut all = self.not_applicable.take().unwrap_or_else(|| {
            DEFAULT_NOT_APPLICABLE
                .iter()
                .map(|t| t.to_string())
                .collect()
        });
        all.extend(tokens.into_iter().map(|t| t.as_ref().trim().to_string()));
        self.not_applicable = Some(all);
        self
    }

    /// Reads one cell: a not-applicable token, a whole number on the scale
    /// (`"9"`, `"9.0"`, `" 9 "`), or a label, by the
    /// [cell grammar](self#the-cell-grammar).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCell`] naming the cell, the [`RejectCause`] and what
    /// is allowed: a number off the scale, a fractional number, or text
    /// that is none of the above (never Rust's "invalid float literal").
    ///
    /// ```
    /// use cxmetrics::input::{CellParser, RejectCause};
    /// use cxmetrics::{Error, Scale};
    /// let err = CellParser::new(Scale::NPS).parse("abc").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"cell "abc" rejected (not a number): expected a whole number in 0..=10 or not applicable ("", "N/A", "n/a", "NA", "-")"#
    /// );
    /// ```
    pub fn parse(&self, cell: &str) -> Result<Response, Error> {
        let text = clean(cell);
        if self.is_not_applicable(text) {
            return Ok(Response::NotApplicable);
        }
        self.rating(cell, text).map(Response::rated)
    }

    /// Reads a cell and its weight cell. A not-applicable answer needs no
    /// weight (its weight cell is not read).
    ///
    /// # Errors
    ///
    /// As [`CellParser::parse`]; [`Error::InvalidCell`] with
    /// [`RejectCause::BadWeight`] for a weight that is not a finite number
    /// of at least 0.
    ///
    /// ```
    /// use cxmetrics::input::{CellParser, RejectCause};
    /// use cxmetrics::{Error, Response, Scale, Weight};
    /// let p = CellParser::new(Scale::NPS);
    /// assert_eq!(p.parse_weighted("9", " 1.5 ")?, Response::weighted(Scale::NPS.rating(9)?, Weight::new(1.5)?));
    /// assert_eq!(p.parse_weighted("N/A", "")?, Response::NotApplicable);
    /// let err = p.parse_weighted("9", "heavy").unwrap_err();
    /// assert!(matches!(err, Error::InvalidCell { cause: RejectCause::BadWeight, .. }));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn parse_weighted(&self, cell: &str, weight: &str) -> Result<Response, Error> {
        match self.parse(cell)? {
            Response::NotApplicable => Ok(Response::NotApplicable),
            Response::Rated { rating, .. } => Ok(Response::weighted(rating, parse_weight(weight)?)),
        }
    }

    fn rating(&self, cell: &str, text: &str) -> Result<Rating, Error> {
        if let Some(number) = parse_cell_number(text) {
            let cause = match number {
                CellNumber::Whole(Some(i)) => match self.scale.rating(i) {
                    Ok(r) => return Ok(r),
                    Err(_) => RejectCause::OutOfRange,
                },
                CellNumber::Whole(None) => RejectCause::OutOfRange,
                CellNumber::Fractional => RejectCause::NotWhole,
            };
            return Err(self.invalid(cell, cause));
        }
        if !self.labels.is_empty() {
            // ASCII text compares without allocating; other text is
            // lower-cased once.
            let found = if text.is_ascii() {
                self.labels
                    .iter()
                    .find(|l| l.key.eq_ignore_ascii_case(text))
            } else {
                let key = text.to_lowercase();
                self.labels.iter().find(|l| l.key == key)
            };
            if let Some(label) = found {
                return self.scale.rating(label.point);
            }
        }
        // "10 - Extremely likely": a whole number, a separator and a label.
        if let Some(number) = numbered_label(text) {
            return self
                .scale
                .rating(number)
                .map_err(|_| self.invalid(cell, RejectCause::OutOfRange));
        }
        Err(self.invalid(cell, RejectCause::NotANumber))
    }

    /// What the parser accepts, for error messages.
    fn allowed(&self) -> String {
        let mut s = format!("a whole number in {}", self.scale);
        if !self.labels.is_empty() {
            let shown: Vec<String> = self
                .labels
                .iter()
                .take(7)
                .map(|l| format!("{:?} = {}", l.text, l.point))
                .collect();
            let more = if self.labels.len() > 7 { ", …" } else { "" };
            s.push_str(&format!(", a label ({}{more})", shown.join(", ")));
        }
        let tokens: Vec<String> = match &self.not_applicable {
            None => DEFAULT_NOT_APPLICABLE
                .iter()
                .map(|t| format!("{t:?}"))
                .collect(),
            Some(t) => t.iter().map(|t| format!("{t:?}")).collect(),
        };
        if !tokens.is_empty() {
            s.push_str(&format!(" or not applicable ({})", tokens.join(", ")));
        }
        s
    }

    #[cold]
    fn invalid(&self, cell: &str, cause: RejectCause) -> Error {
        Error::InvalidCell {
            cell: quoted(cell),
            cause,
            allowed: self.allowed(),
        }
    }

    /// Reads a batch, all or nothing: every answer, or the first bad
    /// cell's error with its index.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] wrapping the first cell's
    /// [`Error::InvalidCell`].
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::{Scale, Tally};
    /// let p = CellParser::new(Scale::CSAT_5);
    /// let t = Tally::from_responses(Scale::CSAT_5, p.parse_all(["5", "4", "n/a"])?)?;
    /// assert_eq!((t.n(), t.not_applicable()), (2, 1));
    /// let err = p.parse_all(["5", "x"]).unwrap_err();
    /// assert!(err.to_string().starts_with(r#"answer at index 1 rejected, batch not added: cell "x""#));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn parse_all<I, S>(&self, cells: I) -> Result<Vec<Response>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| self.parse(c.as_ref()).map_err(|e| e.at(i)))
            .collect()
    }

    /// Reads a batch leniently: the good answers (rated and not
    /// applicable, in order), and a report counting every cell, with the
    /// positions (0-based) of the first rejected cells of each cause.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// let (answers, report) = CellParser::new(Scale::CES_7).parse_lenient(["7", "9", "x", "-"]);
    /// assert_eq!(answers.len(), 2);
    /// assert_eq!(report.to_string(), "4 rows: 1 accepted, 1 not applicable, 2 rejected (out of range: 1 at row 1; not a number: 1 at row 2)");
    /// ```
    pub fn parse_lenient<I, S>(&self, cells: I) -> (Vec<Response>, IngestReport)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut report = IngestReport::new();
        let answers = cells
            .into_iter()
            .enumerate()
            .filter_map(|(i, c)| report.record(i, self.parse(c.as_ref())))
            .collect();
        (answers, report)
    }
}

/// One label of a labelled scale.
#[derive(Debug, Clone, PartialEq)]
struct Label {
    /// As given, trimmed: shown in messages.
    text: String,
    /// In lower case: compared with the lower-cased cell.
    key: String,
    point: i32,
}

/// Reads a weight cell: a finite number of at least 0, with surrounding
/// spaces allowed.
///
/// # Errors
///
/// [`Error::InvalidCell`] with [`RejectCause::BadWeight`].
///
/// ```
/// use cxmetrics::input::parse_weight;
/// assert_eq!(parse_weight(" 0.75")?.get(), 0.75);
/// assert!(parse_weight("-1").is_err() && parse_weight("inf").is_err() && parse_weight("").is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn parse_weight(cell: &str) -> Result<Weight, Error> {
    let value = match parse_number(cell.trim()) {
        Some(Number::Int(i)) => i as f64,
        Some(Number::Float(x)) => x,
        None => f64::NAN,
    };
    Weight::new(value).map_err(|_| Error::InvalidCell {
        cell: quoted(cell),
        cause: RejectCause::BadWeight,
        allowed: "a weight: a finite number of at least 0".to_string(),
    })
}

impl Scale {
    /// Reads a text cell on this scale with the default rules of
    /// [`CellParser::new`]: surrounding spaces, integral decimals, and the
    /// not-applicable tokens [`DEFAULT_NOT_APPLICABLE`].
    ///
    /// # Errors
    ///
    /// As [`CellParser::parse`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale};
    /// assert_eq!(Scale::NPS.parse(" 9.0 ")?.rating(), Some(Scale::NPS.rating(9)?));
    /// assert_eq!(Scale::NPS.parse("N/A")?, Response::NotApplicable);
    /// assert!(Scale::NPS.parse("abc").unwrap_err().to_string().contains("not a number"));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn parse(&self, cell: &str) -> Result<Response, Error> {
        CellParser::new(*self).parse(cell)
    }
}

/// The cell with a leading byte-order mark and surrounding white space
/// removed.
fn clean(cell: &str) -> &str {
    let t = cell.trim();
    t.strip_prefix('\u{feff}').map_or(t, str::trim)
}

/// A number in a cell, by the [cell grammar](self#the-cell-grammar).
enum CellNumber {
    /// A whole number (any fraction all zeros); `None` beyond `i64`.
    Whole(Option<i64>),
    /// A decimal with a non-zero digit after the point.
    Fractional,
}

/// `-?[0-9]+(\.[0-9]+)?`, read exactly (no rounding through `f64`), or
/// `None` for any other text.
fn parse_cell_number(text: &str) -> Option<CellNumber> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    if fraction.is_some_and(|f| f.bytes().any(|b| b != b'0')) {
        return Some(CellNumber::Fractional);
    }
    let negative = digits.len() != text.len();
    let value = whole
        .parse::<i64>()
        .ok()
        .map(|v| if negative { -v } else { v });
    Some(CellNumber::Whole(value))
}

/// A number read from text.
enum Number {
    Int(i64),
    Float(f64),
}

/// A plain decimal number (optional sign, digits, optional fraction and
/// exponent), or `None` for anything else — including the `inf`, `NaN` and
/// `infinity` that Rust's float parser would accept.
fn parse_number(text: &str) -> Option<Number> {
    let plain = text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !plain {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Number::Int(i));
    }
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Number::Float)
}

/// The cell's text as shown in a message, cut at [`QUOTE_LIMIT`]
/// characters.
fn quoted(cell: &str) -> String {
    if cell.chars().count() <= QUOTE_LIMIT {
        cell.to_string()
    } else {
        let mut s: String = cell.chars().take(QUOTE_LIMIT).collect();
        s.push('…');
        s
    }
}

/// One cause's line in an [`IngestReport`].
///
/// # Example
///
/// ```
/// use cxmetrics::input::{CellParser, RejectCause};
/// use cxmetrics::Scale;
/// let (_, report) = CellParser::new(Scale::NPS).parse_lenient(["x", "y"]);
/// let r = &report.rejections()[0];
/// assert_eq!((r.cause, r.count, r.first_rows.as_slice()), (RejectCause::NotANumber, 2, &[0, 1][..]));
/// assert!(r.first_error.contains(r#"cell "x""#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rejections {
    /// The cause.
    pub cause: RejectCause,
    /// How many rows were rejected for it.
    pub count: u64,
    /// The first [`FIRST_ROWS`] of those rows, in the order recorded.
    pub first_rows: Vec<usize>,
    /// The message of the first of those rows' errors.
    pub first_error: String,
}

/// The account of a lenient batch: every row is accepted, not applicable
/// or rejected for a [`RejectCause`], and is counted.
///
/// Made by [`CellParser::parse_lenient`], or row by row with
/// [`IngestReport::record`] when answers go into several tallies or
/// segments.
///
/// # Example
///
/// ```
/// use cxmetrics::input::{CellParser, IngestReport, RejectCause};
/// use cxmetrics::{Scale, Segmented};
///
/// let rows = [("web", "10", "1.0"), ("app", "N/A", ""), ("web", "7", "-2"), ("app", "abc", "1")];
/// let nps = CellParser::new(Scale::NPS);
/// let mut report = IngestReport::new();
/// let mut by_channel = Segmented::new(Scale::NPS);
/// for (row, (channel, score, weight)) in rows.into_iter().enumerate() {
///     if let Some(answer) = report.record(row, nps.parse_weighted(score, weight)) {
///         by_channel.push(channel, answer)?;
///     }
/// }
/// assert_eq!(report.total(), 4);
/// assert_eq!((report.accepted(), report.not_applicable()), (1, 1));
/// assert_eq!(report.rows_rejected_for(RejectCause::BadWeight), [2]);
/// assert_eq!(report.rows_rejected_for(RejectCause::NotANumber), [3]);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "IngestReportRepr")
)]
pub struct IngestReport {
    accepted: u64,
    not_applicable: u64,
    /// One entry per cause seen, ordered by cause.
    rejections: Vec<Rejections>,
}

impl IngestReport {
    /// An empty report.
    ///
    /// ```
    /// use cxmetrics::input::IngestReport;
    /// assert_eq!(IngestReport::new().total(), 0);
    /// ```
    #[must_use]
    pub fn new() -> IngestReport {
        IngestReport::default()
    }

    /// Counts one row's outcome and passes its answer on: `Some` for an
    /// accepted or not-applicable answer (to be added to a tally), `None`
    /// for a rejected row, which is counted under its
    /// [`RejectCause::of`] with its row number.
    ///
    /// ```
    /// use cxmetrics::input::IngestReport;
    /// use cxmetrics::Scale;
    /// let mut report = IngestReport::new();
    /// assert!(report.record(7, Scale::NPS.parse("11")).is_none());
    /// assert_eq!(report.rejected(), 1);
    /// ```
    pub fn record(&mut self, row: usize, outcome: Result<Response, Error>) -> Option<Response> {
        match outcome {
            Ok(answer) => {
                let count = match answer {
                    Response::Rated { .. } => &mut self.accepted,
                    Response::NotApplicable => &mut self.not_applicable,
                };
                // One call adds one: a u64 cannot be exhausted this way, and
                // saturating keeps it from ever wrapping.
                *count = count.saturating_add(1);
                Some(answer)
            }
            Err(error) => {
                self.reject(row, &error);
                None
            }
        }
    }

    #[cold]
    fn reject(&mut self, row: usize, error: &Error) {
        let cause = RejectCause::of(error);
        let at = match self.rejections.binary_search_by(|r| r.cause.cmp(&cause)) {
            Ok(at) => at,
            Err(at) => {
                self.rejections.insert(
                    at,
                    Rejections {
                        cause,
                        count: 0,
                        first_rows: Vec::new(),
                        first_error: error.to_string(),
                    },
                );
                at
            }
        };
        let r = &mut self.rejections[at];
        r.count = r.count.saturating_add(1);
        if r.first_rows.len() < FIRST_ROWS {
            r.first_rows.push(row);
        }
    }

    /// Rows accepted (rated answers).
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// assert_eq!(CellParser::new(Scale::NPS).parse_lenient(["1", "2"]).1.accepted(), 2);
    /// ```
    #[must_use]
    pub fn accepted(&self) -> u64 {
        self.accepted
    }

    /// Rows read as "not applicable".
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// assert_eq!(CellParser::new(Scale::NPS).parse_lenient(["", "NA"]).1.not_applicable(), 2);
    /// ```
    #[must_use]
    pub fn not_applicable(&self) -> u64 {
        self.not_applicable
    }

    /// Rows rejected, for every cause.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// assert_eq!(CellParser::new(Scale::NPS).parse_lenient(["x", "99", "5"]).1.rejected(), 2);
    /// ```
    #[must_use]
    pub fn rejected(&self) -> u64 {
        self.rejections
            .iter()
            .fold(0u64, |sum, r| sum.saturating_add(r.count))
    }

    /// Every row recorded: accepted + not applicable + rejected.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// assert_eq!(CellParser::new(Scale::NPS).parse_lenient(["x", "", "5"]).1.total(), 3);
    /// ```
    #[must_use]
    pub fn total(&self) -> u64 {
        self.accepted
            .saturating_add(self.not_applicable)
            .saturating_add(self.rejected())
    }

    /// The rejections, one entry per cause seen, in the order of
    /// [`RejectCause`].
    ///
    /// ```
    /// use cxmetrics::input::{CellParser, RejectCause};
    /// use cxmetrics::Scale;
    /// let (_, report) = CellParser::new(Scale::NPS).parse_lenient(["x", "11", "7.5"]);
    /// let causes: Vec<RejectCause> = report.rejections().iter().map(|r| r.cause).collect();
    /// assert_eq!(causes, [RejectCause::OutOfRange, RejectCause::NotWhole, RejectCause::NotANumber]);
    /// ```
    #[must_use]
    pub fn rejections(&self) -> &[Rejections] {
        &self.rejections
    }

    /// The number of rows rejected for `cause`.
    ///
    /// ```
    /// use cxmetrics::input::{CellParser, RejectCause};
    /// use cxmetrics::Scale;
    /// let (_, report) = CellParser::new(Scale::NPS).parse_lenient(["x", "y"]);
    /// assert_eq!(report.rejected_for(RejectCause::NotANumber), 2);
    /// assert_eq!(report.rejected_for(RejectCause::OutOfRange), 0);
    /// ```
    #[must_use]
    pub fn rejected_for(&self, cause: RejectCause) -> u64 {
        self.rejections
            .iter()
            .find(|r| r.cause == cause)
            .map_or(0, |r| r.count)
    }

    /// The first (up to [`FIRST_ROWS`]) rows rejected for `cause`.
    ///
    /// ```
    /// use cxmetrics::input::{CellParser, RejectCause};
    /// use cxmetrics::Scale;
    /// let (_, report) = CellParser::new(Scale::NPS).parse_lenient(["1", "x"]);
    /// assert_eq!(report.rows_rejected_for(RejectCause::NotANumber), [1]);
    /// ```
    #[must_use]
    pub fn rows_rejected_for(&self, cause: RejectCause) -> &[usize] {
        self.rejections
            .iter()
            .find(|r| r.cause == cause)
            .map_or(&[], |r| r.first_rows.as_slice())
    }

    /// Adds another report's counts (another column, another file). The
    /// first rows of each cause are this report's, then the other's, up to
    /// [`FIRST_ROWS`].
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when a count would exceed `u64::MAX`; the
    /// report is then unchanged.
    ///
    /// ```
    /// use cxmetrics::input::CellParser;
    /// use cxmetrics::Scale;
    /// let p = CellParser::new(Scale::NPS);
    /// let (_, mut a) = p.parse_lenient(["1", "x"]);
    /// a.merge(&p.parse_lenient(["", "y", "3"]).1)?;
    /// assert_eq!((a.accepted(), a.not_applicable(), a.rejected()), (2, 1, 2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge(&mut self, other: &IngestReport) -> Result<(), Error> {
        let add = |what: &'static str, count: u64, added: u64| {
            count
                .checked_add(added)
                .ok_or(Error::CountOverflow { what, count, added })
        };
        let mut merged = self.clone();
        merged.accepted = add("accepted rows", self.accepted, other.accepted)?;
        merged.not_applicable = add(
            "not-applicable rows",
            self.not_applicable,
            other.not_applicable,
        )?;
        for r in &other.rejections {
            match merged
                .rejections
                .binary_search_by(|m| m.cause.cmp(&r.cause))
            {
                Ok(at) => {
                    let m = &mut merged.rejections[at];
                    m.count = add("rejected rows", m.count, r.count)?;
                    let room = FIRST_ROWS.saturating_sub(m.first_rows.len());
                    m.first_rows.extend(r.first_rows.iter().take(room));
                }
                Err(at) => merged.rejections.insert(at, r.clone()),
            }
        }
        *self = merged;
        Ok(())
    }
}

impl fmt::Display for IngestReport {
    /// `7 rows: 3 accepted, 2 not applicable, 2 rejected (out of range: 1
    /// at row 5; not a number: 1 at row 4)`; rows beyond the first few of
    /// a cause are shown as `…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rows: {} accepted, {} not applicable, {} rejected",
            self.total(),
            self.accepted,
            self.not_applicable,
            self.rejected()
        )?;
        for (i, r) in self.rejections.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { "; " })?;
            let rows: Vec<String> = r.first_rows.iter().map(usize::to_string).collect();
            let more = if r.count > r.first_rows.len() as u64 {
                ", …"
            } else {
                ""
            };
            let noun = if r.first_rows.len() == 1 {
                "row"
            } else {
                "rows"
            };
            write!(
                f,
                "{}: {} at {noun} {}{more}",
                r.cause,
                r.count,
                rows.join(", ")
            )?;
        }
        if !self.rejections.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// The serialized form of an [`IngestReport`], checked on the way in: one
/// entry per cause, in order, each with at most [`FIRST_ROWS`] rows and no
/// more rows than its count.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IngestReportRepr {
    accepted: u64,
    not_applicable: u64,
    rejections: Vec<Rejections>,
}

#[cfg(feature = "serde")]
impl TryFrom<IngestReportRepr> for IngestReport {
    type Error = Error;
    fn try_from(r: IngestReportRepr) -> Result<IngestReport, Error> {
        let fail = |reason: String| Error::InvalidResult {
            what: "ingest report",
            reason,
        };
        let mut total = r.accepted.checked_add(r.not_applicable);
        for (i, x) in r.rejections.iter().enumerate() {
            if i > 0 && r.rejections[i - 1].cause >= x.cause {
                return Err(fail(format!(
                    "cause {} is repeated or out of order",
                    x.cause
                )));
            }
            let rows = x.first_rows.len();
            if rows > FIRST_ROWS || rows as u64 > x.count || (x.count > 0 && rows == 0) {
                return Err(fail(format!(
                    "{} rows listed for {} rejections ({}), at most {FIRST_ROWS}",
                    rows, x.count, x.cause
                )));
            }
            total = total.and_then(|t| t.checked_add(x.count));
        }
        if total.is_none() {
            return Err(fail("the counts add up to more than u64::MAX".to_string()));
        }
        Ok(IngestReport {
            accepted: r.accepted,
            not_applicable: r.not_applicable,
            rejections: r.rejections,
        })
    }
}

/// Built-in label sets.
impl CellParser {
    /// Adds the labels of a built-in [`LabelSet`]: its worst point to the
    /// scale's worst point, following the scale's polarity.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the set and the scale have different
    /// numbers of points; the errors of [`CellParser::label`] for a label
    /// that reads as a number or a not-applicable token, or that is given
    /// twice.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::input::{CellParser, LabelSet};
    /// use cxmetrics::{Error, Scale};
    /// let ces = CellParser::new(Scale::CES_7).label_set(LabelSet::AGREEMENT_7)?;
    /// assert_eq!(ces.parse("Somewhat agree")?.rating().map(|r| r.value()), Some(5));
    /// let wrong = CellParser::new(Scale::CSAT_5).label_set(LabelSet::AGREEMENT_7);
    /// assert!(matches!(wrong, Err(Error::LengthMismatch { .. })));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn label_set(self, set: LabelSet) -> Result<CellParser, Error> {
        let scale = self.scale();
        if set.len() != scale.len() {
            return Err(Error::LengthMismatch {
                left_name: "label set points",
                left: set.len(),
                right_name: "scale points",
                right: scale.len(),
            });
        }
        let worst_first: Vec<i32> = match scale.polarity() {
            Polarity::HigherIsBetter => (scale.lowest()..=scale.highest()).collect(),
            Polarity::LowerIsBetter => (scale.lowest()..=scale.highest()).rev().collect(),
        };
        let mut labels = Vec::new();
        for (wordings, &point) in set.points.iter().zip(&worst_first) {
            for w in *wordings {
                labels.push((*w, point));
            }
        }
        self.labels(labels)
    }
}
