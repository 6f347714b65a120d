//! The keys a survey's rows are counted under: a period and the values of
//! its group columns, interned so that a row costs one hash lookup.

use std::collections::HashMap;

use crate::foundation::error::Error;
use crate::foundation::period::Period;

/// The most group columns a survey keys its rows by.
pub const MAX_GROUP_COLUMNS: usize = 4;

/// The most distinct keys (period × group values) one survey holds.
pub const MAX_KEYS: usize = 1 << 24;

/// The key of one row: its period (if the survey has a period column) and
/// the values of its group columns, in declaration order.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::Key;
/// let k = Key::new(None, ["web"]);
/// assert_eq!(k.groups(), ["web"]);
/// assert_eq!(k.to_string(), "web");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Key {
    period: Option<Period>,
    groups: Vec<String>,
}

impl Key {
    /// A key of a period and group values.
    pub fn new<I, S>(period: Option<Period>, groups: I) -> Key
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Key {
            period,
            groups: groups.into_iter().map(Into::into).collect(),
        }
    }

    /// The period, if the survey has a period column.
    #[must_use]
    pub fn period(&self) -> Option<Period> {
        self.period
    }

    /// The group values, in the order the group columns were declared.
    #[must_use]
    pub fn groups(&self) -> &[String] {
        &self.groups
    }
}

impl std::fmt::Display for Key {
    /// The period and the group values, separated by ` / `.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        if let Some(p) = self.period {
            write!(f, "{p}")?;
            first = false;
        }
        for g in &self.groups {
            if !first {
                f.write_str(" / ")?;
            }
            f.write_str(g)?;
            first = false;
        }
        Ok(())
    }
}

/// Interned ids of a row's key: cheap to hash and copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct KeyIds {
    pub(crate) period: Option<Period>,
    pub(crate) groups: [u32; MAX_GROUP_COLUMNS],
}

/// The survey's keys in order of first appearance, with their interned
/// group values.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyTable {
    /// Per group column: its distinct values and their ids.
    values: Vec<(Vec<String>, HashMap<String, u32>)>,
    /// Every key, by index.
    keys: Vec<KeyIds>,
    index: HashMap<KeyIds, usize>,
}

impl KeyTable {
    pub(crate) fn new(group_columns: usize) -> KeyTable {
        KeyTable {
            values: (0..group_columns).map(|_| Default::default()).collect(),
            keys: Vec::new(),
            index: HashMap::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The id of group column `g`'s value `text`, interning it if new.
    pub(crate) fn value_id(&mut self, g: usize, text: &str) -> Result<u32, Error> {
        let (names, ids) = &mut self.values[g];
        if let Some(&id) = ids.get(text) {
            return Ok(id);
        }
        let id = u32::try_from(names.len())
            .ok()
            .filter(|&id| (id as usize) < MAX_KEYS)
            .ok_or(Error::TooLarge {
                what: "distinct values of a group column",
                requested: names.len() as u64 + 1,
                limit: MAX_KEYS as u64,
            })?;
        names.push(text.to_string());
        ids.insert(text.to_string(), id);
        Ok(id)
    }

    /// The index of a key, and whether it is new.
    pub(crate) fn index(&mut self, ids: KeyIds) -> Result<(usize, bool), Error> {
        if let Some(&i) = self.index.get(&ids) {
            return Ok((i, false));
        }
        if self.keys.len() >= MAX_KEYS {
            return Err(Error::TooLarge {
                what: "keys (period × group values)",
                requested: self.keys.len() as u64 + 1,
                limit: MAX_KEYS as u64,
            });
        }
        let i = self.keys.len();
        self.keys.push(ids);
        self.index.insert(ids, i);
        Ok((i, true))
    }

    /// The key at index `i`.
    pub(crate) fn key(&self, i: usize) -> Key {
        let ids = self.keys[i];
        Key {
            period: ids.period,
            groups: self
                .values
                .iter()
                .zip(ids.groups)
                .map(|((names, _), id)| names[id as usize].clone())
                .collect(),
        }
    }

    /// The index of `key`, interning its values: for merging and reading
    /// back a serialized survey.
    pub(crate) fn intern(&mut self, key: &Key) -> Result<(usize, bool), Error> {
        if key.groups.len() != self.values.len() {
            return Err(Error::LengthMismatch {
                left_name: "key group values",
                left: key.groups.len(),
                right_name: "group columns",
                right: self.values.len(),
            });
        }
        let mut groups = [0u32; MAX_GROUP_COLUMNS];
        for (g, text) in key.groups.iter().enumerate() {
            groups[g] = self.value_id(g, text)?;
        }
        self.index(KeyIds {
            period: key.period,
            groups,
        })
    }
}
