//! Rolling and calendar windows: a ring of per-period states.

use std::collections::VecDeque;

use crate::counting::accumulator::Accumulator;
use crate::foundation::error::Error;

/// The last `k` periods of any [`Accumulator`] (a [`Tally`](crate::Tally),
/// a [`JointTally`](crate::JointTally), [`DriverMoments`](crate::drivers::DriverMoments)),
/// one state per period: the "last 7 days" or "last 3 months" of a score.
///
/// A period is any integer bucket the caller chooses: a day number, an
/// ISO week, `year * 12 + month`, an hour. Answers go into their period's
/// state; [`Window::advance_to`] moves the window forward, handing back the
/// periods that leave it (still mergeable, for calendar reports or
/// archives) without rescanning any answer. [`Window::total`] merges the
/// window's periods: O(k × state size), whatever the volume.
///
/// # Example
///
/// ```
/// use cxmetrics::{Nps, Scale, Tally, Window};
///
/// // A rolling 7-day NPS, one period per day.
/// let mut week = Window::new(Tally::new(Scale::NPS), 7)?;
/// for day in 0..10 {
///     week.get_mut(day)?.extend_scores(&[10u8, 9, (day % 11) as u8])?;
/// }
/// assert_eq!(week.latest(), Some(9));
/// let last7 = week.total()?; // days 3..=9
/// assert_eq!(last7.n(), 21);
/// assert_eq!(week.periods().map(|(d, _)| d).collect::<Vec<_>>(), (3..=9).collect::<Vec<_>>());
/// println!("rolling NPS {:.1}", Nps::from_tally(&last7)?.score());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Window<T> {
    empty: T,
    k: usize,
    /// Contiguous periods `latest − len + 1 ..= latest`, oldest first.
    ring: VecDeque<T>,
    latest: Option<i64>,
}

impl<T: Accumulator> Window<T> {
    /// The most periods a window spans: 65,536 (179 years of days, 7.5
    /// years of hours). A window keeps one state per period, so this bounds
    /// its memory at 65,536 states whatever the periods passed in.
    pub const MAX_PERIODS: usize = 1 << 16;

    /// A window of the last `k` periods; `empty` is the empty state each
    /// new period starts from (its contents are ignored).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `k` is 0; [`Error::TooLarge`] when
    /// `k` is above [`Window::MAX_PERIODS`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// assert!(Window::new(Tally::new(Scale::NPS), 0).is_err());
    /// assert_eq!(Window::new(Tally::new(Scale::NPS), 30)?.len(), 30);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn new(empty: T, k: usize) -> Result<Window<T>, Error> {
        if k == 0 {
            return Err(Error::InvalidArgument {
                name: "window length",
                value: 0.0,
                expected: "at least 1 period",
            });
        }
        if k > Self::MAX_PERIODS {
            return Err(Error::TooLarge {
                what: "periods of a Window",
                requested: u64::try_from(k).unwrap_or(u64::MAX),
                limit: Self::MAX_PERIODS as u64,
            });
        }
        Ok(Window {
            empty: empty.empty_like(),
            k,
            ring: VecDeque::new(),
            latest: None,
        })
    }

    /// The number of periods the window spans (k).
    #[must_use]
    #[expect(clippy::len_without_is_empty, reason = "k is at least 1")]
    pub fn len(&self) -> usize {
        self.k
    }

    /// The newest period, or `None` before the first.
    #[must_use]
    pub fn latest(&self) -> Option<i64> {
        self.latest
    }

    /// The oldest period still in the window.
    fn oldest(&self) -> Option<i64> {
        self.latest.map(|l| l - (self.ring.len() as i64 - 1))
    }

    /// Moves the window so that `period` is the newest, returning the
    /// periods that left it, oldest first (empty ones included, so that a
    /// caller can file every period).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `period` is older than the newest
    /// period (windows only move forward).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// let mut w = Window::new(Tally::new(Scale::CSAT_5), 2)?;
    /// w.get_mut(1)?.push_score(5)?;
    /// w.get_mut(2)?.push_score(4)?;
    /// let left = w.advance_to(4)?; // days 3 and 4 now; day 1 and 2 leave
    /// assert_eq!(left.iter().map(|(d, t)| (*d, t.n())).collect::<Vec<_>>(), [(1, 1), (2, 1)]);
    /// assert!(w.total()?.is_empty());
    /// assert!(w.advance_to(3).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn advance_to(&mut self, period: i64) -> Result<Vec<(i64, T)>, Error> {
        let Some(latest) = self.latest else {
            self.latest = Some(period);
            self.ring.push_back(self.empty.clone());
            return Ok(Vec::new());
        };
        if period < latest {
            return Err(Error::InvalidArgument {
                name: "period",
                value: period as f64,
                expected: "a period no older than the window's newest (windows move forward)",
            });
        }
        let mut left = Vec::new();
        // Beyond k new periods, everything leaves: no need to step through
        // a long gap one period at a time.
        let steps = period.abs_diff(latest);
        if steps >= self.k as u64 {
            let first = self.oldest().unwrap_or(period);
            // Indexed, not `(first..).zip(..)`: that range would step past
            // i64::MAX after a window ending there (found by fuzzing).
            left.extend(
                self.ring
                    .drain(..)
                    .enumerate()
                    .map(|(i, t)| (first + i as i64, t)),
            );
            self.ring.push_back(self.empty.clone());
        } else {
            // `steps` < k ≤ MAX_PERIODS, and latest + steps = period: no
            // overflow even at the ends of i64.
            for step in 1..=steps as i64 {
                let newest = latest + step;
                self.ring.push_back(self.empty.clone());
                // The ring held newest − len + 1 ..= newest.
                let first = newest - (self.ring.len() as i64 - 1);
                if self.ring.len() > self.k
                    && let Some(t) = self.ring.pop_front()
                {
                    left.push((first, t));
                }
            }
        }
        self.latest = Some(period);
        Ok(left)
    }

    /// The state of `period`, advancing the window first when `period` is
    /// newer than the newest (the periods that leave are dropped; use
    /// [`Window::advance_to`] to keep them).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `period` has already left the
    /// window.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// let mut w = Window::new(Tally::new(Scale::CSAT_5), 3)?;
    /// w.get_mut(10)?.push_score(5)?;
    /// w.get_mut(8)?.push_score(4)?; // a late answer, still in the window
    /// assert!(w.get_mut(7).is_err()); // too late
    /// assert_eq!(w.total()?.n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn get_mut(&mut self, period: i64) -> Result<&mut T, Error> {
        if self.latest.is_none_or(|l| period > l) {
            self.advance_to(period)?;
        }
        let oldest = self.oldest().unwrap_or(period);
        let latest = self.latest.unwrap_or(period);
        // Periods between the oldest kept and the newest exist in the ring
        // once filled; fill the gap below the oldest while the ring is not
        // full yet.
        if period < oldest {
            let room = self.k - self.ring.len();
            if oldest.abs_diff(period) > room as u64 {
                return Err(Error::InvalidArgument {
                    name: "period",
                    value: period as f64,
                    expected: "a period inside the window (it has already left)",
                });
            }
            for _ in period..oldest {
                self.ring.push_front(self.empty.clone());
            }
        }
        let index = usize::try_from(latest.abs_diff(period))
            .ok()
            .and_then(|back| (self.ring.len().checked_sub(1)?).checked_sub(back))
            .unwrap_or(usize::MAX);
        self.ring.get_mut(index).ok_or(Error::InvalidArgument {
            name: "period",
            value: period as f64,
            expected: "a period inside the window",
        })
    }

    /// The state of `period`, if it is in the window.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// let mut w = Window::new(Tally::new(Scale::CSAT_5), 3)?;
    /// w.get_mut(5)?.push_score(5)?;
    /// assert_eq!(w.get(5).map(|t| t.n()), Some(1));
    /// assert!(w.get(6).is_none());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn get(&self, period: i64) -> Option<&T> {
        let (oldest, latest) = (self.oldest()?, self.latest?);
        if period < oldest || period > latest {
            return None;
        }
        self.ring
            .get(usize::try_from(period.abs_diff(oldest)).ok()?)
    }

    /// The periods in the window with their states, oldest first.
    pub fn periods(&self) -> impl Iterator<Item = (i64, &T)> {
        let oldest = self.oldest().unwrap_or(0);
        self.ring
            .iter()
            .enumerate()
            .map(move |(i, t)| (oldest + i as i64, t))
    }

    /// The merge of every period in the window: the rolling state.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when the periods together pass `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// let mut w = Window::new(Tally::new(Scale::CSAT_5), 2)?;
    /// w.get_mut(0)?.push_score(5)?;
    /// w.get_mut(1)?.push_score(4)?;
    /// w.get_mut(2)?.push_score(3)?;
    /// assert_eq!(w.total()?, Tally::from_scores(Scale::CSAT_5, &[4u8, 3])?);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn total(&self) -> Result<T, Error> {
        self.last(self.k)
    }

    /// The merge of the newest `j` periods (all of them when `j ≥ k`): a
    /// 7-day figure from a 30-day window.
    ///
    /// # Errors
    ///
    /// As [`Window::total`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// let mut w = Window::new(Tally::new(Scale::CSAT_5), 30)?;
    /// for day in 0..30 {
    ///     w.get_mut(day)?.push_score(5)?;
    /// }
    /// assert_eq!(w.last(7)?.n(), 7);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn last(&self, j: usize) -> Result<T, Error> {
        let mut total = self.empty.clone();
        let skip = self.ring.len().saturating_sub(j);
        for t in self.ring.iter().skip(skip) {
            total.merge_from(t)?;
        }
        Ok(total)
    }

    /// Takes the state of `period` out of the window, leaving an empty one
    /// in its place: the finished period, handed over whole. (With `&mut`
    /// access nothing else can add to it meanwhile; for many writers see
    /// [`Sharded::take`](crate::Sharded::take).)
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `period` is not in the window.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// let mut w = Window::new(Tally::new(Scale::CSAT_5), 3)?;
    /// w.get_mut(1)?.push_score(5)?;
    /// let day1 = w.take(1)?;
    /// assert_eq!((day1.n(), w.get(1).unwrap().n()), (1, 0));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn take(&mut self, period: i64) -> Result<T, Error> {
        let empty = self.empty.clone();
        let (oldest, latest) = (self.oldest(), self.latest);
        match (oldest, latest) {
            (Some(o), Some(l)) if (o..=l).contains(&period) => {
                let slot = self
                    .ring
                    .get_mut(usize::try_from(period.abs_diff(o)).unwrap_or(usize::MAX))
                    .ok_or(Error::InvalidArgument {
                        name: "period",
                        value: period as f64,
                        expected: "a period inside the window",
                    })?;
                Ok(std::mem::replace(slot, empty))
            }
            _ => Err(Error::InvalidArgument {
                name: "period",
                value: period as f64,
                expected: "a period inside the window",
            }),
        }
    }

    /// Merges a finished state into `period` (advancing the window when it
    /// is newer), for example the day just [taken](crate::Sharded::take)
    /// from a concurrent ingester.
    ///
    /// # Errors
    ///
    /// As [`Window::get_mut`] and [`Accumulator::merge_from`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Window};
    /// let mut w = Window::new(Tally::new(Scale::CSAT_5), 7)?;
    /// w.merge_into(3, &Tally::from_scores(Scale::CSAT_5, &[5u8, 4])?)?;
    /// assert_eq!(w.total()?.n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge_into(&mut self, period: i64, state: &T) -> Result<(), Error> {
        self.empty.check_merge(state)?;
        self.get_mut(period)?.merge_from(state)
    }
}
