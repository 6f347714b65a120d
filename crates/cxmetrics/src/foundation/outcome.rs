//! The serialized form of a fallible result: a tagged value-or-error
//! object.
//!
//! Per-segment scores and trend changes are `Result`s (a segment may be
//! below its minimum n). With the `serde` feature they serialize as
//!
//! ```json
//! {"status": "ok", "value": { … }}
//! {"status": "error", "error": {"kind": "below_minimum_n", "message": "1 answer, below the minimum of 2 for scoring"}}
//! ```
//!
//! rather than serde's default `{"Ok": …}` / `{"Err": …}`, and read back
//! the same way; an error read back is an [`Error::Reported`] keeping its
//! kind and message.

use crate::foundation::error::Error;

#[derive(serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum OutcomeRef<'a, T> {
    Ok { value: &'a T },
    Error { error: &'a Error },
}

#[derive(serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
enum Outcome<T> {
    Ok { value: T },
    Error { error: Error },
}

fn as_ref<T>(r: &Result<T, Error>) -> OutcomeRef<'_, T> {
    match r {
        Ok(value) => OutcomeRef::Ok { value },
        Err(error) => OutcomeRef::Error { error },
    }
}

fn into_result<T>(o: Outcome<T>) -> Result<T, Error> {
    match o {
        Outcome::Ok { value } => Ok(value),
        Outcome::Error { error } => Err(error),
    }
}

/// `#[serde(with = "crate::foundation::outcome::result")]` for a `Result<T, Error>`.
pub(crate) mod result {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Outcome, as_ref, into_result};
    use crate::foundation::error::Error;

    pub(crate) fn serialize<T: Serialize, S: Serializer>(
        r: &Result<T, Error>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        as_ref(r).serialize(s)
    }

    pub(crate) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Result<T, Error>, D::Error> {
        Outcome::deserialize(d).map(into_result)
    }
}

/// `#[serde(with = "crate::foundation::outcome::option_result")]` for an
/// `Option<Result<T, Error>>` (`null` for `None`).
pub(crate) mod option_result {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Outcome, as_ref, into_result};
    use crate::foundation::error::Error;

    pub(crate) fn serialize<T: Serialize, S: Serializer>(
        r: &Option<Result<T, Error>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        r.as_ref().map(as_ref).serialize(s)
    }

    pub(crate) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Result<T, Error>>, D::Error> {
        Option::<Outcome<T>>::deserialize(d).map(|o| o.map(into_result))
    }
}
