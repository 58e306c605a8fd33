//! Next-item completion: hide one item of each held-out basket and ask the
//! models to find it from the rest.
//!
//! Three models answer the same queries: [`BoughtTogether`], popularity
//! (most frequent training items) and item-kNN (cosine similarity of item
//! co-occurrence in the training baskets, `sim(i, j) = n_ij / √(n_i n_j)`,
//! each item keeping its `neighbours` most similar items; a cart scores `j`
//! by `Σ_{i ∈ cart} sim(i, j)`, as in Sarwar et al. 2001, "Item-based
//! collaborative filtering recommendation algorithms", WWW'01). Each reports
//! hit rate and mean reciprocal rank at `k`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Error as CoreError, Scored};

use crate::baskets::Baskets;
use crate::error::Result;
use crate::serve::{BoughtTogether, CartRequest};

/// Settings of a completion evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionParams {
    /// Length of the suggestion list (default 10).
    pub k: usize,
    /// Neighbours kept per item by item-kNN (default 100).
    pub neighbours: usize,
    /// Seed choosing the hidden item of each basket (default 0).
    pub seed: u64,
}

impl Default for CompletionParams {
    fn default() -> Self {
        CompletionParams { k: 10, neighbours: 100, seed: 0 }
    }
}

/// Hit rate and MRR of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// `bought_together`, `popularity` or `item_knn`.
    pub model: String,
    /// Share of queries whose hidden item is in the top `k`.
    pub hit_rate: f64,
    /// Mean of `1 / rank` of the hidden item (0 when outside the top `k`).
    pub mrr: f64,
}

/// The outcome of [`evaluate_completion`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionReport {
    /// List length.
    pub k: usize,
    /// Held-out baskets with at least two items (one query each).
    pub queries: usize,
    /// Held-out baskets skipped for having fewer than two items.
    pub skipped: usize,
    /// Queries whose hidden item never occurs in training (a miss for every model).
    pub unseen_targets: usize,
    /// One score per model.
    pub models: Vec<ModelScore>,
}

impl CompletionReport {
    /// The score of a model by name.
    pub fn model(&self, name: &str) -> Option<&ModelScore> {
        self.models.iter().find(|m| m.model == name)
    }
}

/// Item-kNN by cosine co-occurrence: each item's top neighbours.
struct ItemKnn {
    neighbours: Vec<Vec<(u32, f64)>>,
}

impl ItemKnn {
    fn fit(train: &Baskets, keep: usize) -> ItemKnn {
        let n = train.n_items();
        let counts = train.item_counts();
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (b, items) in train.iter().enumerate() {
            for &i in items {
                postings[i as usize].push(b as u32);
            }
        }
        let neighbours = (0..n)
            .into_par_iter()
            .map_init(
                || vec![0u32; n],
                |co, i| {
                    let mut touched = Vec::new();
                    for &b in &postings[i] {
                        for &j in train.basket(b as usize) {
                            if j as usize != i {
                                if co[j as usize] == 0 {
                                    touched.push(j);
                                }
                                co[j as usize] += 1;
                            }
                        }
                    }
                    let mut nb: Vec<(u32, f64)> = touched
                        .iter()
                        .map(|&j| (j, co[j as usize] as f64 / ((counts[i] as f64) * (counts[j as usize] as f64)).sqrt()))
                        .collect();
                    for &j in &touched {
                        co[j as usize] = 0;
                    }
                    // Keep the best `keep` before sorting them (an item can touch thousands).
                    let order = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
                    if nb.len() > keep && keep > 0 {
                        nb.select_nth_unstable_by(keep - 1, order);
                    }
                    nb.truncate(keep);
                    nb.sort_by(order);
                    nb
                },
            )
            .collect();
        ItemKnn { neighbours }
    }

    /// The `k` items with the highest summed similarity to the cart.
    /// `acc` is a zeroed scratch vector of one score per item, left zeroed.
    fn suggest(&self, cart: &[u32], k: usize, acc: &mut [f64]) -> Vec<usize> {
        let mut touched: Vec<u32> = Vec::new();
        for &i in cart {
            for &(j, s) in &self.neighbours[i as usize] {
                if acc[j as usize] == 0.0 {
                    touched.push(j);
                }
                acc[j as usize] += s;
            }
        }
        let mut cand: Vec<Scored> = Vec::with_capacity(touched.len());
        for &j in &touched {
            if cart.binary_search(&j).is_err() {
                cand.push(Scored { item: j as usize, score: acc[j as usize] as f32 });
            }
            acc[j as usize] = 0.0;
        }
        shopml_core::select::select_best(&mut cand, k);
        cand.into_iter().map(|s| s.item).collect()
    }
}

/// The queries of a completion evaluation: each held-out basket with at
/// least two items, one item hidden.
#[derive(Debug, Clone)]
pub struct CompletionQueries {
    /// The baskets without their hidden item (query `q` is basket `q`), on
    /// the test baskets' item map. Feed them to [`CartRecommender`](crate::CartRecommender)
    /// to evaluate bought-together with shopml-recommend's ranking metrics.
    pub carts: Baskets,
    /// The hidden item of each query.
    pub hidden: Vec<u32>,
    /// Test baskets skipped for having fewer than two items.
    pub skipped: usize,
}

/// Hides one item, chosen uniformly with a generator seeded by `seed`, of
/// every basket of `test` with at least two items. These are exactly the
/// queries [`evaluate_completion`] asks with the same seed.
pub fn completion_queries(test: &Baskets, seed: u64) -> Result<CompletionQueries> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut skipped = 0;
    let mut offsets = vec![0usize];
    let mut idx = Vec::new();
    let mut hidden = Vec::new();
    let mut ids = Vec::new();
    let mut times = Vec::new();
    for (b, items) in test.iter().enumerate() {
        if items.len() < 2 {
            skipped += 1;
            continue;
        }
        let h = rng.random_range(0..items.len());
        idx.extend(items.iter().enumerate().filter(|(p, _)| *p != h).map(|(_, &i)| i));
        offsets.push(idx.len());
        hidden.push(items[h]);
        ids.push(test.basket_ids()[b].clone());
        if let Some(t) = test.times() {
            times.push(t[b]);
        }
    }
    if hidden.is_empty() {
        return Err(CoreError::empty("test baskets with at least two items").into());
    }
    let descriptions = (0..test.n_items()).map(|i| test.description(i).map(str::to_string)).collect();
    let times = test.times().map(|_| times);
    let carts = Baskets::from_parts(offsets, idx, test.items().clone(), descriptions, ids, times)?;
    Ok(CompletionQueries { carts, hidden, skipped })
}

/// Hides one item (chosen with `params.seed`) of every `test` basket with at
/// least two items and asks each model for `k` items given the rest.
///
/// `model` must be fitted on `train`, and `train` and `test` must share their
/// item map (as the halves of [`Baskets::split_at`] do).
pub fn evaluate_completion(model: &BoughtTogether, train: &Baskets, test: &Baskets, params: &CompletionParams) -> Result<CompletionReport> {
    if params.k == 0 {
        return Err(CoreError::param("k", "must be at least 1").into());
    }
    if train.items() != test.items() || model.n_items() != train.n_items() {
        return Err(CoreError::shape("train, test and model items", "one shared item map", "different maps").into());
    }
    let k = params.k;
    let q = completion_queries(test, params.seed)?;
    let skipped = q.skipped;
    let queries: Vec<(&[u32], u32)> = q.carts.iter().zip(q.hidden.iter().copied()).collect();
    let counts = train.item_counts();
    let unseen_targets = queries.iter().filter(|(_, t)| counts[*t as usize] == 0).count();
    let mut popular: Vec<usize> = (0..train.n_items()).filter(|&i| counts[i] > 0).collect();
    popular.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    let knn = ItemKnn::fit(train, params.neighbours);

    let rank = |list: &[usize], target: u32| list.iter().position(|&i| i == target as usize);
    let n_items = train.n_items();
    let per_query: Vec<Result<[Option<usize>; 3]>> = queries
        .par_iter()
        .map_init(
            || vec![0.0f64; n_items],
            |acc, &(cart, target)| {
                let req = CartRequest::new(cart.iter().map(|&i| i as usize).collect(), k);
                let bt: Vec<usize> = model.suggest(&req)?.into_iter().map(|s| s.item).collect();
                let pop: Vec<usize> = popular.iter().copied().filter(|i| cart.binary_search(&(*i as u32)).is_err()).take(k).collect();
                let kn = knn.suggest(cart, k, acc);
                Ok([rank(&bt, target), rank(&pop, target), rank(&kn, target)])
            },
        )
        .collect();
    let mut hits = [0usize; 3];
    let mut rr = [0f64; 3];
    for q in per_query {
        for (m, r) in q?.iter().enumerate() {
            if let Some(r) = r {
                hits[m] += 1;
                rr[m] += 1.0 / (*r as f64 + 1.0);
            }
        }
    }
    let nq = queries.len() as f64;
    let models = ["bought_together", "popularity", "item_knn"]
        .iter()
        .enumerate()
        .map(|(m, name)| ModelScore { model: name.to_string(), hit_rate: hits[m] as f64 / nq, mrr: rr[m] / nq })
        .collect();
    Ok(CompletionReport { k, queries: queries.len(), skipped, unseen_targets, models })
}
