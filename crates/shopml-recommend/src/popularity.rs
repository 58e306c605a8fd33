//! The popularity baseline: every user gets the most popular items.

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Interactions, Params, Recommend};

use crate::error::{RecommendError, Result};
use crate::serve::{FoldIn, Scorer};

/// Parameters of [`PopularityModel`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Popularity {
    /// Sum interaction values (quantities) instead of counting users.
    pub weighted: bool,
}

impl Popularity {
    /// Default parameters: popularity = number of distinct users.
    pub fn params() -> Self {
        Popularity::default()
    }
    /// Sum the interaction values instead of counting users.
    pub fn weighted(mut self, yes: bool) -> Self {
        self.weighted = yes;
        self
    }
}

impl Params for Popularity {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

/// Item popularity from the training interactions; the same ranking for every user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopularityModel {
    n_users: usize,
    scores: Vec<f32>,
}

impl PopularityModel {
    /// Popularity score of every item.
    pub fn scores(&self) -> &[f32] {
        &self.scores
    }
}

impl Fit<Interactions> for Popularity {
    type Model = PopularityModel;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<PopularityModel> {
        self.check()?;
        if data.nnz() == 0 {
            return Err(Error::empty("interactions (no stored values)").into());
        }
        let m = data.user_items();
        let mut scores = vec![0f64; data.n_items()];
        for (&i, &v) in m.indices().iter().zip(m.values()) {
            scores[i as usize] += if self.weighted { v as f64 } else { 1.0 };
        }
        Ok(PopularityModel { n_users: data.n_users(), scores: scores.into_iter().map(|s| s as f32).collect() })
    }
}

impl Recommend for PopularityModel {
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

impl Scorer for PopularityModel {
    fn score_users(&self, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        for (row, _) in out.chunks_exact_mut(self.scores.len()).zip(users) {
            row.copy_from_slice(&self.scores);
        }
        Ok(())
    }
}

impl FoldIn for PopularityModel {
    fn score_history(&self, _items: &[u32], _values: &[f32]) -> Result<Vec<f32>> {
        Ok(self.scores.clone())
    }
}
