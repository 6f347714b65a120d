//! Layer 1, **foundation**: the values every other layer speaks in.
//!
//! Owns the one public [`Error`](error::Error) and its plain-data parts
//! ([`RejectCause`](reject::RejectCause)), scales and ratings
//! ([`scale`]), units of results ([`unit`], [`margin`]), the label of which
//! metric a result is of ([`metric_kind`]), weights and responses
//! ([`response`]), and text input: cells, labels, not-applicable tokens and
//! the ingest report ([`input`]), the built-in wordings of common scales
//! ([`labels`]), and dates bucketed into periods: days, ISO weeks, months,
//! quarters, years ([`period`]).
//!
//! May import: the standard library, `thiserror`, `serde`. Nothing from
//! another layer of this crate. Within the folder, `error` imports only
//! `reject` and `unit` (plain data), so that every other file here may
//! return an [`Error`](error::Error).

pub(crate) mod error;
pub mod input;
pub(crate) mod labels;
pub(crate) mod margin;
pub(crate) mod metric_kind;
#[cfg(feature = "serde")]
pub(crate) mod outcome;
pub(crate) mod period;
pub(crate) mod reject;
pub(crate) mod response;
pub(crate) mod scale;
pub(crate) mod unit;
