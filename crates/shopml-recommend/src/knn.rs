//! Neighbourhood models: item-kNN and user-kNN.
//!
//! Item-based collaborative filtering (Sarwar, Karypis, Konstan & Riedl,
//! "Item-based collaborative filtering recommendation algorithms", WWW 2001;
//! Deshpande & Karypis 2004 for the top-K model): each item keeps its `k`
//! most similar items, and a user's score for item `i` is
//! `Σ_{j ∈ I(u)} r_uj · sim(j, i)`. The user-based variant keeps each user's
//! `k` most similar users and scores `Σ_{v ∈ N(u)} sim(u, v) · r_vi`.
//!
//! Similarities are computed row by row in parallel through the transposed
//! matrix (sparse–sparse products accumulated in one dense buffer of length
//! `n_rows` per thread); only the top `k` per row are kept, in a sparse
//! [`Csr`] — never a dense items × items (or users × users) matrix.
//! Shrinkage multiplies a similarity by `n_common / (n_common + shrinkage)`.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Csr, Error, Fit, Interactions, Params, Recommend, Scored, validate::param};

use crate::als::check_implicit;
use crate::error::{RecommendError, Result};
use crate::serve::{FoldIn, Scorer, SimilarItems, SimilarUsers};

/// How two rows (items, or users for user-kNN) are compared.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Similarity {
    /// Cosine of the raw value vectors.
    Cosine,
    /// Cosine after subtracting each *user's* mean value (Sarwar et al. 2001).
    AdjustedCosine,
    /// Cosine after subtracting each *row's* mean over its stored values (a
    /// Pearson correlation taken over all coordinates, unstored ones as the mean).
    Pearson,
    /// `|A ∩ B| / |A ∪ B|` of the supports.
    Jaccard,
    /// Cosine of TF-IDF weighted vectors: `sqrt(r) · log(N / (1 + df))`.
    TfIdf,
    /// Cosine of Okapi BM25 weighted vectors (Robertson et al.), `k1` and `b` as in BM25.
    Bm25 {
        /// Term-frequency saturation (implicit uses 100).
        k1: f32,
        /// Length normalisation in `[0, 1]` (implicit uses 0.8).
        b: f32,
    },
}

/// Parameters of a neighbourhood model; fit gives a [`ItemKnn`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemKnnParams {
    /// Neighbours kept per row (default 20, as `implicit`).
    pub k: usize,
    /// Similarity (default cosine).
    pub similarity: Similarity,
    /// Shrinkage towards zero for pairs with few co-occurrences (default 0).
    pub shrinkage: f32,
    /// User-based instead of item-based (default false).
    pub user_based: bool,
}

impl Default for ItemKnnParams {
    fn default() -> Self {
        ItemKnnParams { k: 20, similarity: Similarity::Cosine, shrinkage: 0.0, user_based: false }
    }
}

impl ItemKnnParams {
    /// Default parameters: item-based, cosine, 20 neighbours.
    pub fn params() -> Self {
        Self::default()
    }
    /// Sets `k`.
    pub fn k(mut self, v: usize) -> Self {
        self.k = v;
        self
    }
    /// Sets the similarity.
    pub fn similarity(mut self, v: Similarity) -> Self {
        self.similarity = v;
        self
    }
    /// Sets `shrinkage`.
    pub fn shrinkage(mut self, v: f32) -> Self {
        self.shrinkage = v;
        self
    }
    /// User-based neighbourhoods.
    pub fn user_based(mut self, v: bool) -> Self {
        self.user_based = v;
        self
    }
}

impl Params for ItemKnnParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("k", self.k, 1)?;
        param::non_negative("shrinkage", self.shrinkage as f64)?;
        if let Similarity::Bm25 { k1, b } = self.similarity {
            param::non_negative("similarity.k1", k1 as f64)?;
            param::in_closed("similarity.b", b as f64, 0.0, 1.0)?;
        }
        Ok(())
    }
}

/// A fitted neighbourhood model: sparse top-K neighbours and the training matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ItemKnnRaw")]
pub struct ItemKnn {
    user_based: bool,
    /// Row = item (or user), columns = its neighbours, values = similarities.
    neighbours: Csr,
    /// Users × items training values used for scoring.
    train: Csr,
}

/// Weighted copy of `rows` (rows are the compared entities, columns the coordinates).
fn weighted(rows: &Csr, cols: &Csr, sim: Similarity) -> shopml_core::Result<Csr> {
    let n_rows = rows.n_rows() as f64;
    match sim {
        Similarity::Cosine | Similarity::Jaccard => Ok(rows.clone()),
        Similarity::Pearson => {
            let mut out = rows.clone();
            let mut data = out.values().to_vec();
            for r in 0..rows.n_rows() {
                let (a, b) = (rows.indptr()[r], rows.indptr()[r + 1]);
                if b > a {
                    let mean = data[a..b].iter().map(|&v| v as f64).sum::<f64>() / (b - a) as f64;
                    data[a..b].iter_mut().for_each(|v| *v -= mean as f32);
                }
            }
            out = Csr::from_parts(out.n_rows(), out.n_cols(), out.indptr().to_vec(), out.indices().to_vec(), data)?;
            Ok(out)
        }
        Similarity::AdjustedCosine => {
            // Mean of each coordinate (column of `rows` = row of `cols`).
            let means: Vec<f32> = (0..cols.n_rows())
                .map(|c| {
                    let v = cols.row(c).1;
                    if v.is_empty() { 0.0 } else { (v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64) as f32 }
                })
                .collect();
            let mut r = 0;
            let indptr = rows.indptr();
            let data = rows
                .indices()
                .iter()
                .zip(rows.values())
                .enumerate()
                .map(|(pos, (&c, &v))| {
                    while indptr[r + 1] <= pos {
                        r += 1;
                    }
                    v - means[c as usize]
                })
                .collect();
            Csr::from_parts(rows.n_rows(), rows.n_cols(), indptr.to_vec(), rows.indices().to_vec(), data)
        }
        Similarity::TfIdf => {
            let idf: Vec<f64> = (0..cols.n_rows()).map(|c| (n_rows / (1.0 + cols.row_nnz(c) as f64)).ln()).collect();
            rows.map_values_indexed(|_, c, v| (v.max(0.0) as f64).sqrt() as f32 * idf[c] as f32)
        }
        Similarity::Bm25 { k1, b } => {
            let idf: Vec<f64> = (0..cols.n_rows()).map(|c| n_rows.ln() - (cols.row_nnz(c) as f64).ln_1p()).collect();
            let sums: Vec<f64> = (0..rows.n_rows()).map(|r| rows.row(r).1.iter().map(|&v| v as f64).sum()).collect();
            let avg = sums.iter().sum::<f64>() / n_rows.max(1.0);
            let (k1, b) = (k1 as f64, b as f64);
            rows.map_values_indexed(|r, c, v| {
                let norm = (1.0 - b) + b * sums[r] / avg.max(f64::MIN_POSITIVE);
                let v = v as f64;
                (v * (k1 + 1.0) / (k1 * norm + v) * idf[c]) as f32
            })
        }
    }
}

/// Helper: map values with their (row, column).
trait MapIndexed {
    fn map_values_indexed(&self, f: impl Fn(usize, usize, f32) -> f32) -> shopml_core::Result<Csr>;
}

impl MapIndexed for Csr {
    fn map_values_indexed(&self, f: impl Fn(usize, usize, f32) -> f32) -> shopml_core::Result<Csr> {
        let data: Vec<f32> = self.iter().map(|(r, c, v)| f(r, c, v)).collect();
        Csr::from_parts(self.n_rows(), self.n_cols(), self.indptr().to_vec(), self.indices().to_vec(), data)
    }
}

/// Top-`k` neighbours of every row of `rows` (rows × coordinates).
fn neighbours(rows: &Csr, p: &ItemKnnParams) -> shopml_core::Result<Csr> {
    let cols = rows.transpose();
    let w = weighted(rows, &cols, p.similarity)?;
    let wt = w.transpose();
    let n = rows.n_rows();
    let norms: Vec<f32> = (0..n).map(|r| w.row(r).1.iter().map(|v| v * v).sum::<f32>().sqrt()).collect();
    let counts: Vec<f32> = (0..n).map(|r| rows.row_nnz(r) as f32).collect();
    let lists: Vec<Vec<(u32, f32)>> = (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], vec![0u32; n], Vec::<u32>::new()),
            |(acc, cnt, touched), a| {
                let (ca, va) = w.row(a);
                for (&c, &x) in ca.iter().zip(va) {
                    let (rb, vb) = wt.row(c as usize);
                    for (&b, &y) in rb.iter().zip(vb) {
                        if cnt[b as usize] == 0 {
                            touched.push(b);
                        }
                        cnt[b as usize] += 1;
                        acc[b as usize] += x * y;
                    }
                }
                let mut cand: Vec<Scored> = Vec::with_capacity(touched.len());
                for &b in touched.iter() {
                    let bi = b as usize;
                    let common = cnt[bi] as f32;
                    let mut s = match p.similarity {
                        Similarity::Jaccard => common / (counts[a] + counts[bi] - common),
                        _ => {
                            let d = norms[a] * norms[bi];
                            if d > 0.0 { acc[bi] / d } else { 0.0 }
                        }
                    };
                    if p.shrinkage > 0.0 {
                        s *= common / (common + p.shrinkage);
                    }
                    if bi != a && s > 0.0 && s.is_finite() {
                        cand.push(Scored { item: bi, score: s });
                    }
                    acc[bi] = 0.0;
                    cnt[bi] = 0;
                }
                touched.clear();
                shopml_core::select::select_best(&mut cand, p.k);
                let mut row: Vec<(u32, f32)> = cand.into_iter().map(|s| (s.item as u32, s.score)).collect();
                row.sort_unstable_by_key(|e| e.0);
                row
            },
        )
        .collect();
    let mut indptr = Vec::with_capacity(n + 1);
    indptr.push(0);
    let (mut idx, mut val) = (Vec::new(), Vec::new());
    for l in lists {
        for (c, v) in l {
            idx.push(c);
            val.push(v);
        }
        indptr.push(idx.len());
    }
    Csr::from_parts(n, n, indptr, idx, val)
}

impl Fit<Interactions> for ItemKnnParams {
    type Model = ItemKnn;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<ItemKnn> {
        self.check()?;
        check_implicit(data)?;
        let neighbours = if self.user_based { neighbours(data.user_items(), self)? } else { neighbours(data.item_users(), self)? };
        Ok(ItemKnn { user_based: self.user_based, neighbours, train: data.user_items().clone() })
    }
}

impl ItemKnn {
    /// The sparse neighbour matrix (rows = items, or users if user-based).
    pub fn neighbours(&self) -> &Csr {
        &self.neighbours
    }

    fn score_into(&self, user: usize, out: &mut [f32]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        if self.user_based {
            let (nb, sims) = self.neighbours.row(user);
            for (&v, &s) in nb.iter().zip(sims) {
                let (items, vals) = self.train.row(v as usize);
                for (&i, &r) in items.iter().zip(vals) {
                    out[i as usize] += s * r;
                }
            }
        } else {
            let (items, vals) = self.train.row(user);
            self.score_items_from(items, vals, out);
        }
    }

    fn score_items_from(&self, items: &[u32], vals: &[f32], out: &mut [f32]) {
        for (&j, &r) in items.iter().zip(vals) {
            let (nb, sims) = self.neighbours.row(j as usize);
            for (&i, &s) in nb.iter().zip(sims) {
                out[i as usize] += r * s;
            }
        }
    }
}

impl Recommend for ItemKnn {
    fn n_users(&self) -> usize {
        self.train.n_rows()
    }
    fn n_items(&self) -> usize {
        self.train.n_cols()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        if user >= self.n_users() {
            return Err(Error::IndexOutOfRange { what: "user", index: user, len: self.n_users() });
        }
        let mut out = vec![0f32; self.n_items()];
        self.score_into(user, &mut out);
        Ok(out)
    }
}

impl Scorer for ItemKnn {
    fn score_users(&self, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        crate::serve::check_block(users, self.n_users(), self.n_items(), out.len())?;
        for (row, &u) in out.chunks_exact_mut(self.n_items().max(1)).zip(users) {
            self.score_into(u, row);
        }
        Ok(())
    }
}

impl FoldIn for ItemKnn {
    fn score_history(&self, items: &[u32], values: &[f32]) -> Result<Vec<f32>> {
        if self.user_based {
            return Err(Error::param("user_based", "fold-in needs the item-based model").into());
        }
        crate::serve::check_history(items, values, self.n_items())?;
        let mut out = vec![0f32; self.n_items()];
        self.score_items_from(items, values, &mut out);
        Ok(out)
    }
}

fn ranked(row: (&[u32], &[f32]), n: usize) -> Vec<Scored> {
    let mut c: Vec<Scored> = row.0.iter().zip(row.1).map(|(&i, &s)| Scored { item: i as usize, score: s }).collect();
    shopml_core::select::select_best(&mut c, n);
    c
}

impl SimilarItems for ItemKnn {
    fn similar_items(&self, item: usize, n: usize) -> Result<Vec<Scored>> {
        if self.user_based {
            return Err(Error::param("user_based", "similar_items needs the item-based model").into());
        }
        Ok(ranked(self.neighbours.try_row(item).map_err(|_| Error::IndexOutOfRange { what: "item", index: item, len: self.n_items() })?, n))
    }
}

impl SimilarUsers for ItemKnn {
    fn similar_users(&self, user: usize, n: usize) -> Result<Vec<Scored>> {
        if !self.user_based {
            return Err(Error::param("user_based", "similar_users needs the user-based model").into());
        }
        Ok(ranked(self.neighbours.try_row(user).map_err(|_| Error::IndexOutOfRange { what: "user", index: user, len: self.n_users() })?, n))
    }
}

impl ItemKnn {
    /// The parameters that fit this model, at their defaults; see [`ItemKnnParams`].
    pub fn params() -> ItemKnnParams {
        ItemKnnParams::params()
    }
}

#[derive(Deserialize)]
struct ItemKnnRaw {
    user_based: bool,
    neighbours: Csr,
    train: Csr,
}

impl TryFrom<ItemKnnRaw> for ItemKnn {
    type Error = RecommendError;
    fn try_from(r: ItemKnnRaw) -> std::result::Result<Self, RecommendError> {
        let ItemKnnRaw { user_based, neighbours, train } = r;
        let neighbours = crate::factors::recheck_csr(neighbours)?;
        let train = crate::factors::recheck_csr(train)?;
        // Neighbours are item × item (user × user when user-based) over the training matrix.
        let side = if user_based { train.n_rows() } else { train.n_cols() };
        if neighbours.shape() != (side, side) {
            return Err(Error::shape(
                "neighbours",
                format!("{side} × {side}"),
                format!("{} × {}", neighbours.n_rows(), neighbours.n_cols()),
            )
            .into());
        }
        Ok(ItemKnn { user_based, neighbours, train })
    }
}
