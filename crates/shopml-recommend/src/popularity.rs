//! The popularity baseline: every user gets the most popular items,
//! optionally with older interactions decayed exponentially
//! ([`PopularityParams::fit_timed`]).

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Interactions, Params, Recommend, Timestamp, Triple, validate::param};

use crate::error::{RecommendError, Result};
use crate::serve::{FoldIn, Scorer};

/// Parameters of [`Popularity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PopularityParams {
    /// Sum interaction values (quantities) instead of counting users
    /// (events, in [`PopularityParams::fit_timed`]).
    pub weighted: bool,
    /// Half-life in days of the exponential time decay used by
    /// [`PopularityParams::fit_timed`] (`None`: no decay). Ignored by [`Fit::fit`],
    /// whose aggregated matrix carries no times.
    pub half_life_days: Option<f64>,
}

impl PopularityParams {
    /// Default parameters: popularity = number of distinct users.
    pub fn params() -> Self {
        PopularityParams::default()
    }
    /// Sum the interaction values instead of counting users.
    pub fn weighted(mut self, yes: bool) -> Self {
        self.weighted = yes;
        self
    }
    /// Sets the half-life (days) of the time decay of [`PopularityParams::fit_timed`].
    pub fn half_life_days(mut self, days: Option<f64>) -> Self {
        self.half_life_days = days;
        self
    }

    /// Time-decayed popularity from raw events: item `i` scores
    /// `Σ_e w_e · exp(−ln 2 · age_e / half_life)` over its events `e`, where
    /// `age_e = now − times[e]` in days and `w_e` is the event's value if
    /// `weighted`, else 1 (every event counts, repeats included).
    ///
    /// `times` is parallel to `events` (`times[e]` is when `events[e]`
    /// happened); `now` is the reference time, usually the end of the
    /// training period. Events after `now` are an error (their weight would
    /// exceed 1). With `half_life_days = None` no decay is applied.
    pub fn fit_timed(&self, n_users: usize, n_items: usize, events: &[Triple], times: &[Timestamp], now: Timestamp) -> Result<Popularity> {
        self.check()?;
        if events.is_empty() || n_items == 0 {
            return Err(Error::empty("events (no interactions)").into());
        }
        if times.len() != events.len() {
            return Err(Error::shape("times (one per event)", events.len(), times.len()).into());
        }
        let mut scores = vec![0f64; n_items];
        for (row, (e, t)) in events.iter().zip(times).enumerate() {
            if e.user as usize >= n_users {
                return Err(Error::IndexOutOfRange { what: "user", index: e.user as usize, len: n_users }.into());
            }
            if e.item as usize >= n_items {
                return Err(Error::IndexOutOfRange { what: "item", index: e.item as usize, len: n_items }.into());
            }
            if !e.value.is_finite() {
                return Err(Error::NonFinite { what: "event values".into(), row, column: None, value: e.value as f64 }.into());
            }
            let age = t.days_until(now);
            if age < 0.0 {
                return Err(Error::InvalidValue {
                    what: "event times".into(),
                    row,
                    column: None,
                    value: age,
                    reason: "event is after `now` (negative age in days)".into(),
                }
                .into());
            }
            let decay = match self.half_life_days {
                Some(h) => (-std::f64::consts::LN_2 * age / h).exp(),
                None => 1.0,
            };
            scores[e.item as usize] += decay * if self.weighted { e.value as f64 } else { 1.0 };
        }
        Ok(Popularity { n_users, scores: scores.into_iter().map(|s| s as f32).collect() })
    }
}

impl Params for PopularityParams {
    fn check(&self) -> shopml_core::Result<()> {
        if let Some(h) = self.half_life_days {
            param::positive("half_life_days", h)?;
        }
        Ok(())
    }
}

/// Item popularity from the training interactions; the same ranking for every user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PopularityRaw")]
pub struct Popularity {
    n_users: usize,
    scores: Vec<f32>,
}

impl Popularity {
    /// Popularity score of every item.
    pub fn scores(&self) -> &[f32] {
        &self.scores
    }
}

impl Fit<Interactions> for PopularityParams {
    type Model = Popularity;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<Popularity> {
        self.check()?;
        if data.nnz() == 0 {
            return Err(Error::empty("interactions (no stored values)").into());
        }
        let m = data.user_items();
        let mut scores = vec![0f64; data.n_items()];
        for (&i, &v) in m.indices().iter().zip(m.values()) {
            scores[i as usize] += if self.weighted { v as f64 } else { 1.0 };
        }
        Ok(Popularity { n_users: data.n_users(), scores: scores.into_iter().map(|s| s as f32).collect() })
    }
}

impl Recommend for Popularity {
    fn n_users(&self) -> usize {
        self.n_users
    }
    fn n_items(&self) -> usize {
        self.scores.len()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        if user >= self.n_users {
            return Err(Error::IndexOutOfRange { what: "user", index: user, len: self.n_users });
        }
        Ok(self.scores.clone())
    }
}

impl Scorer for Popularity {
    fn score_users(&self, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        crate::serve::check_block(users, self.n_users, self.scores.len(), out.len())?;
        for (row, _) in out.chunks_exact_mut(self.scores.len().max(1)).zip(users) {
            row.copy_from_slice(&self.scores);
        }
        Ok(())
    }
}

impl FoldIn for Popularity {
    fn score_history(&self, items: &[u32], values: &[f32]) -> Result<Vec<f32>> {
        crate::serve::check_history(items, values, self.scores.len())?;
        Ok(self.scores.clone())
    }
}

impl Popularity {
    /// The parameters that fit this model, at their defaults; see [`PopularityParams`].
    pub fn params() -> PopularityParams {
        PopularityParams::params()
    }
}

#[derive(Deserialize)]
struct PopularityRaw {
    n_users: usize,
    scores: Vec<f32>,
}

impl TryFrom<PopularityRaw> for Popularity {
    type Error = RecommendError;
    fn try_from(r: PopularityRaw) -> std::result::Result<Self, RecommendError> {
        let PopularityRaw { n_users, scores } = r;
        crate::factors::check_bias("scores", &scores, scores.len())?;
        Ok(Popularity { n_users, scores })
    }
}
