//! Evaluation: seeded splits, ranking metrics at K for any model, rating
//! errors for explicit models, and k-fold cross-validation.
//!
//! Ranking metrics are those of [`shopml_core::metrics::ranking`]
//! (precision = hits/K, recall, NDCG, MAP, MRR, hit rate, coverage).

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use shopml_core::metrics::ranking::{self, RankingMetrics};
use shopml_core::metrics::regression;
use shopml_core::validate::param;
use shopml_core::{Duplicates, Error, Fit, Interactions, Triple};

use crate::error::{RecommendError, Result};
use crate::serve::{Request, Scorer, recommend_batch};

fn check_fraction(f: f64) -> shopml_core::Result<()> {
    param::in_open("test_fraction", f, 0.0, 1.0)
}

fn build(n_users: usize, n_items: usize, t: &[Triple]) -> shopml_core::Result<Interactions> {
    Interactions::from_triples(n_users, n_items, t, Duplicates::Error)
}

/// Per-user holdout: each user's interactions are shuffled (seeded) and
/// `round(test_fraction · n_u)` of them go to the test matrix. Both matrices
/// keep the full shape.
pub fn split_per_user(data: &Interactions, test_fraction: f64, seed: u64) -> Result<(Interactions, Interactions)> {
    check_fraction(test_fraction)?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let mut idx: Vec<usize> = Vec::new();
    for u in 0..data.n_users() {
        let (cols, vals) = data.user_items().row(u);
        idx.clear();
        idx.extend(0..cols.len());
        idx.shuffle(&mut rng);
        let n_test = (test_fraction * cols.len() as f64).round() as usize;
        for (pos, &k) in idx.iter().enumerate() {
            let t = Triple { user: u as u32, item: cols[k], value: vals[k] };
            if pos < n_test { test.push(t) } else { train.push(t) }
        }
    }
    Ok((build(data.n_users(), data.n_items(), &train)?, build(data.n_users(), data.n_items(), &test)?))
}

/// Global random split: a seeded shuffle of all interactions, the first
/// `round(test_fraction · nnz)` to test.
pub fn split_random(data: &Interactions, test_fraction: f64, seed: u64) -> Result<(Interactions, Interactions)> {
    check_fraction(test_fraction)?;
    let mut all: Vec<Triple> = data.triples().collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    all.shuffle(&mut rng);
    let n_test = (test_fraction * all.len() as f64).round() as usize;
    let (test, train) = all.split_at(n_test);
    Ok((build(data.n_users(), data.n_items(), train)?, build(data.n_users(), data.n_items(), test)?))
}

/// An interaction with a time stamp (any monotone unit, e.g. seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimedTriple {
    /// The interaction.
    pub triple: Triple,
    /// When it happened.
    pub time: i64,
}

/// Leave-last-N-out: each user's `n` latest events (ties broken by input
/// order) go to test, the rest to train; repeats are combined by `duplicates`.
pub fn split_leave_last_n(
    events: &[TimedTriple],
    n_users: usize,
    n_items: usize,
    n: usize,
    duplicates: Duplicates,
) -> Result<(Interactions, Interactions)> {
    param::at_least("n", n, 1)?;
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&p| (events[p].triple.user, events[p].time, p));
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let mut start = 0;
    while start < order.len() {
        let u = events[order[start]].triple.user;
        let mut end = start;
        while end < order.len() && events[order[end]].triple.user == u {
            end += 1;
        }
        let cut = end.saturating_sub(n).max(start);
        train.extend(order[start..cut].iter().map(|&p| events[p].triple));
        test.extend(order[cut..end].iter().map(|&p| events[p].triple));
        start = end;
    }
    Ok((
        Interactions::from_triples(n_users, n_items, &train, duplicates)?,
        Interactions::from_triples(n_users, n_items, &test, duplicates)?,
    ))
}

/// Ranking quality at `k` of any model: every user with test items gets a
/// top-`k` list excluding their training items, scored against their test
/// items. The same function serves every model of this crate.
pub fn evaluate<M: Scorer + ?Sized>(model: &M, train: &Interactions, test: &Interactions, k: usize) -> Result<RankingMetrics> {
    if train.shape() != test.shape() {
        return Err(Error::shape("train vs test", format!("{:?}", train.shape()), format!("{:?}", test.shape())).into());
    }
    if (model.n_users(), model.n_items()) != train.shape() {
        return Err(
            Error::shape("model vs train", format!("{:?}", train.shape()), format!("{:?}", (model.n_users(), model.n_items()))).into()
        );
    }
    let users: Vec<usize> = (0..test.n_users()).filter(|&u| test.user_items().row_nnz(u) > 0).collect();
    let lists = top_k_lists(model, train, &users, k)?;
    let relevant: Vec<Vec<usize>> = users.iter().map(|&u| test.user_items().row(u).0.iter().map(|&i| i as usize).collect()).collect();
    Ok(ranking::evaluate(lists.iter().map(Vec::as_slice).zip(relevant.iter().map(Vec::as_slice)), k, model.n_items())?)
}

/// Top-`k` item lists (dense indices) for `users`, training items excluded.
pub fn top_k_lists<M: Scorer + ?Sized>(model: &M, train: &Interactions, users: &[usize], k: usize) -> Result<Vec<Vec<usize>>> {
    let recs = recommend_batch(model, Some(train), users, &Request::top(k))?;
    Ok(recs.into_iter().map(|l| l.into_iter().map(|s| s.item).collect()).collect())
}

/// A model that predicts an explicit rating for a (user, item) pair.
pub trait RatingModel {
    /// Predicted rating; unknown indices are an error.
    fn predict_rating(&self, user: usize, item: usize) -> shopml_core::Result<f32>;
}

/// Error of rating predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RatingMetrics {
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Ratings scored.
    pub n: usize,
}

/// RMSE and MAE of `model` on every stored rating of `test`.
pub fn evaluate_ratings<M: RatingModel + ?Sized>(model: &M, test: &Interactions) -> Result<RatingMetrics> {
    let mut y = Vec::with_capacity(test.nnz());
    let mut p = Vec::with_capacity(test.nnz());
    for t in test.triples() {
        y.push(t.value as f64);
        p.push(model.predict_rating(t.user as usize, t.item as usize)? as f64);
    }
    if y.is_empty() {
        return Err(Error::empty("test ratings").into());
    }
    Ok(RatingMetrics { rmse: regression::rmse(&y, &p)?, mae: regression::mae(&y, &p)?, n: y.len() })
}

/// Splits the stored interactions into `k` folds (seeded shuffle, then cut
/// into nearly equal parts, as Surprise's `KFold`); returns `(train, test)` per fold.
pub fn k_fold(data: &Interactions, k: usize, seed: u64) -> Result<Vec<(Interactions, Interactions)>> {
    param::at_least("k", k, 2)?;
    let mut all: Vec<Triple> = data.triples().collect();
    if all.len() < k {
        return Err(Error::empty(format!("interactions: {} stored values cannot make {k} folds", all.len())).into());
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    all.shuffle(&mut rng);
    let (nu, ni) = data.shape();
    let mut folds = Vec::with_capacity(k);
    for f in 0..k {
        let (a, b) = (f * all.len() / k, (f + 1) * all.len() / k);
        let train: Vec<Triple> = all[..a].iter().chain(&all[b..]).copied().collect();
        folds.push((build(nu, ni, &train)?, build(nu, ni, &all[a..b])?));
    }
    Ok(folds)
}

/// k-fold cross-validation of an explicit model: fits on each fold's train
/// part and returns the test errors per fold.
pub fn cross_validate_ratings<P>(params: &P, data: &Interactions, k: usize, seed: u64) -> Result<Vec<RatingMetrics>>
where
    P: Fit<Interactions, Error = RecommendError>,
    P::Model: RatingModel,
{
    k_fold(data, k, seed)?
        .into_iter()
        .map(|(train, test)| {
            let m = params.fit(&train)?;
            evaluate_ratings(&m, &test)
        })
        .collect()
}

/// Builds interactions from a dense users × items matrix (zeros are "no
/// interaction"): for small data, tests and the conformance kit. NaN/∞ is
/// [`Error::NonFinite`] naming the cell; no rows or columns is [`Error::EmptyInput`].
pub fn from_dense(x: ndarray::ArrayView2<'_, f64>) -> Result<Interactions> {
    shopml_core::validate::non_empty_matrix("interactions", x)?;
    shopml_core::validate::finite_matrix("interactions", x)?;
    let mut t = Vec::new();
    for ((u, i), &v) in x.indexed_iter() {
        if v != 0.0 {
            t.push(Triple { user: u as u32, item: i as u32, value: v as f32 });
        }
    }
    Ok(build(x.nrows(), x.ncols(), &t)?)
}
