//! kNN with baselines: `r̂_ui = b_ui + Σ_j s_ij (r_uj − b_uj) / Σ_j s_ij` over
//! the `k` most similar neighbours `j` the user rated (item-based; user-based
//! swaps the roles), with shrunk Pearson-baseline similarities (Koren,
//! "Factor in the neighbors: scalable and accurate collaborative filtering",
//! TKDD 2010, §2.2 and eq. 2; the model Surprise calls `KNNBaseline` with
//! `sim_options={'name': 'pearson_baseline'}`, with its defaults).
//!
//! Similarities between two items `i`, `j` are computed over their common
//! users from the baseline residuals `d_ui = r_ui − (μ + b_u + b_i)`:
//! `s_ij = (n_ij − 1)/(n_ij − 1 + shrinkage) · Σ d_ui d_uj / √(Σ d_ui² Σ d_uj²)`.
//! Only positive similarities take part in predictions (as in Surprise), so
//! only those are stored, row by row in a sparse matrix — never a dense
//! items × items matrix; `max_neighbours` can cap each row further.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Csr, Error, Fit, Interactions, Params, Recommend, validate::param};

use crate::error::{RecommendError, Result};
use crate::eval::RatingModel;
use crate::explicit::{BaselineParams, check_pair, check_ratings, range};
use crate::serve::Scorer;

/// Parameters of [`KnnBaseline`] (Surprise's `KNNBaseline` defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnnBaselineParams {
    /// Neighbours used per prediction (default 40).
    pub k: usize,
    /// Fewer positive-similarity neighbours than this: predict the baseline (default 1).
    pub min_k: usize,
    /// Similarity shrinkage `λ` in `(n − 1)/(n − 1 + λ)` (default 100).
    pub shrinkage: f64,
    /// Pairs with fewer common raters get similarity 0 (default 1).
    pub min_support: usize,
    /// User-based instead of item-based (default false, Koren's and Surprise's recommended item-based).
    pub user_based: bool,
    /// Keep at most this many (most similar) neighbours per item / user; `None` keeps every positive similarity (exact).
    pub max_neighbours: Option<usize>,
    /// Baseline estimator (default: ALS, Surprise's `bsl_options`).
    pub baseline: BaselineParams,
}

impl Default for KnnBaselineParams {
    fn default() -> Self {
        KnnBaselineParams {
            k: 40,
            min_k: 1,
            shrinkage: 100.0,
            min_support: 1,
            user_based: false,
            max_neighbours: None,
            baseline: BaselineParams::default(),
        }
    }
}

impl KnnBaselineParams {
    /// Surprise's defaults.
    pub fn params() -> Self {
        Self::default()
    }
    /// Sets `k`.
    pub fn k(mut self, v: usize) -> Self {
        self.k = v;
        self
    }
    /// Sets `min_k`.
    pub fn min_k(mut self, v: usize) -> Self {
        self.min_k = v;
        self
    }
    /// Sets `shrinkage`.
    pub fn shrinkage(mut self, v: f64) -> Self {
        self.shrinkage = v;
        self
    }
    /// Sets `min_support`.
    pub fn min_support(mut self, v: usize) -> Self {
        self.min_support = v;
        self
    }
    /// Sets `user_based`.
    pub fn user_based(mut self, v: bool) -> Self {
        self.user_based = v;
        self
    }
    /// Sets `max_neighbours`.
    pub fn max_neighbours(mut self, v: Option<usize>) -> Self {
        self.max_neighbours = v;
        self
    }
    /// Sets the baseline estimator.
    pub fn baseline(mut self, v: BaselineParams) -> Self {
        self.baseline = v;
        self
    }
}

impl Params for KnnBaselineParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("k", self.k, 1)?;
        param::non_negative("shrinkage", self.shrinkage)?;
        if let Some(m) = self.max_neighbours {
            param::at_least("max_neighbours", m, 1)?;
        }
        self.baseline.check()
    }
}

/// Fitted kNN-baseline model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "KnnBaselineRaw")]
pub struct KnnBaseline {
    user_based: bool,
    global_mean: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    /// Ratings by the "other" side: users × items (item-based) or items × users (user-based).
    by_other: Csr,
    /// Positive similarities, rows and columns the neighbour side (items or users).
    sims: Csr,
    k: usize,
    min_k: usize,
    min_rating: f32,
    max_rating: f32,
}

impl KnnBaseline {
    /// The stored positive similarities (items × items, or users × users if user-based).
    pub fn similarities(&self) -> &Csr {
        &self.sims
    }
    /// The baseline `μ + b_u + b_i` (unclipped).
    pub fn baseline(&self, user: usize, item: usize) -> shopml_core::Result<f32> {
        check_pair(user, item, self.user_bias.len(), self.item_bias.len())?;
        Ok(self.global_mean + self.user_bias[user] + self.item_bias[item])
    }

    /// Neighbour-side biases `(b_x, b_y)`.
    fn biases(&self) -> (&[f32], &[f32]) {
        if self.user_based { (&self.user_bias, &self.item_bias) } else { (&self.item_bias, &self.user_bias) }
    }
}

impl Fit<Interactions> for KnnBaselineParams {
    type Model = KnnBaseline;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<KnnBaseline> {
        self.check()?;
        check_ratings(data)?;
        let base = self.baseline.fit(data)?;
        let mu = base.global_mean() as f64;
        let (bu, bi) = (base.user_bias(), base.item_bias());
        // x: the side whose similarities we need; y: the other side.
        let ui = data.user_items();
        let iu = data.item_users();
        let (x_rows, y_rows, bx, by) = if self.user_based { (ui, iu, bu, bi) } else { (iu, ui, bi, bu) };
        let n_x = x_rows.n_rows();
        let rows: Vec<Vec<(u32, f32)>> = (0..n_x)
            .into_par_iter()
            .map_init(
                || (vec![0u32; n_x], vec![0f64; n_x], vec![0f64; n_x], vec![0f64; n_x], Vec::<u32>::new()),
                |(freq, prods, sqi, sqj, touched), xi| {
                    let (ys, rs) = x_rows.row(xi);
                    for (&y, &r) in ys.iter().zip(rs) {
                        let part = mu + by[y as usize] as f64;
                        let di = r as f64 - part - bx[xi] as f64;
                        let (xs, r2) = y_rows.row(y as usize);
                        for (&xj, &rj) in xs.iter().zip(r2) {
                            let j = xj as usize;
                            if j == xi {
                                continue;
                            }
                            if freq[j] == 0 {
                                touched.push(xj);
                            }
                            let dj = rj as f64 - part - bx[j] as f64;
                            freq[j] += 1;
                            prods[j] += di * dj;
                            sqi[j] += di * di;
                            sqj[j] += dj * dj;
                        }
                    }
                    let mut out = Vec::new();
                    for &xj in touched.iter() {
                        let j = xj as usize;
                        let n = freq[j] as usize;
                        if n >= self.min_support && sqi[j] > 0.0 && sqj[j] > 0.0 {
                            let s = prods[j] / (sqi[j] * sqj[j]).sqrt();
                            let shrunk = s * (n as f64 - 1.0) / (n as f64 - 1.0 + self.shrinkage);
                            if shrunk > 0.0 && shrunk.is_finite() {
                                out.push((xj, shrunk as f32));
                            }
                        }
                        freq[j] = 0;
                        prods[j] = 0.0;
                        sqi[j] = 0.0;
                        sqj[j] = 0.0;
                    }
                    touched.clear();
                    if let Some(m) = self.max_neighbours
                        && out.len() > m
                    {
                        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                        out.truncate(m);
                    }
                    out.sort_by_key(|e| e.0);
                    out
                },
            )
            .collect();
        let mut indptr = Vec::with_capacity(n_x + 1);
        indptr.push(0);
        let (mut idx, mut val) = (Vec::new(), Vec::new());
        for r in rows {
            for (c, v) in r {
                idx.push(c);
                val.push(v);
            }
            indptr.push(idx.len());
        }
        let sims = Csr::from_parts(n_x, n_x, indptr, idx, val)?;
        let (lo, hi) = range(data);
        Ok(KnnBaseline {
            user_based: self.user_based,
            global_mean: base.global_mean(),
            user_bias: bu.to_vec(),
            item_bias: bi.to_vec(),
            by_other: y_rows.clone(),
            sims,
            k: self.k,
            min_k: self.min_k,
            min_rating: lo,
            max_rating: hi,
        })
    }
}

impl KnnBaseline {
    /// Prediction without index checks or clipping.
    fn raw(&self, user: usize, item: usize, buf: &mut Vec<(f32, f32, u32)>) -> f32 {
        let (x, y) = if self.user_based { (user, item) } else { (item, user) };
        let (bx, by) = self.biases();
        let mut est = self.global_mean + self.user_bias[user] + self.item_bias[item];
        // Neighbours: entities on x's side rated by y, with a positive similarity to x.
        let (nb, rs) = self.by_other.row(y);
        let (sc, sv) = self.sims.row(x);
        buf.clear();
        let (mut a, mut b) = (0, 0);
        while a < nb.len() && b < sc.len() {
            match nb[a].cmp(&sc[b]) {
                std::cmp::Ordering::Less => a += 1,
                std::cmp::Ordering::Greater => b += 1,
                std::cmp::Ordering::Equal => {
                    buf.push((sv[b], rs[a], nb[a]));
                    a += 1;
                    b += 1;
                }
            }
        }
        if buf.len() > self.k {
            buf.select_nth_unstable_by(self.k - 1, |p, q| q.0.total_cmp(&p.0).then(p.2.cmp(&q.2)));
            buf.truncate(self.k);
        }
        if buf.len() >= self.min_k.max(1) {
            let (mut num, mut den) = (0f64, 0f64);
            for &(s, r, j) in buf.iter() {
                let b_nb = self.global_mean as f64 + bx[j as usize] as f64 + by[y] as f64;
                num += s as f64 * (r as f64 - b_nb);
                den += s as f64;
            }
            est += (num / den) as f32;
        }
        est
    }
}

impl RatingModel for KnnBaseline {
    fn predict_rating(&self, user: usize, item: usize) -> shopml_core::Result<f32> {
        check_pair(user, item, self.user_bias.len(), self.item_bias.len())?;
        Ok(self.raw(user, item, &mut Vec::new()).clamp(self.min_rating, self.max_rating))
    }
}

impl Recommend for KnnBaseline {
    fn n_users(&self) -> usize {
        self.user_bias.len()
    }
    fn n_items(&self) -> usize {
        self.item_bias.len()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        if user >= self.n_users() {
            return Err(Error::IndexOutOfRange { what: "user", index: user, len: self.n_users() });
        }
        let mut buf = Vec::new();
        Ok((0..self.n_items()).map(|i| self.raw(user, i, &mut buf).clamp(self.min_rating, self.max_rating)).collect())
    }
}

impl Scorer for KnnBaseline {}

impl KnnBaseline {
    /// The parameters that fit this model, at their defaults; see [`KnnBaselineParams`].
    pub fn params() -> KnnBaselineParams {
        KnnBaselineParams::params()
    }
}

#[derive(Deserialize)]
struct KnnBaselineRaw {
    user_based: bool,
    global_mean: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    by_other: Csr,
    sims: Csr,
    k: usize,
    min_k: usize,
    min_rating: f32,
    max_rating: f32,
}

impl TryFrom<KnnBaselineRaw> for KnnBaseline {
    type Error = RecommendError;
    fn try_from(r: KnnBaselineRaw) -> std::result::Result<Self, RecommendError> {
        let KnnBaselineRaw { user_based, global_mean, user_bias, item_bias, by_other, sims, k, min_k, min_rating, max_rating } = r;
        crate::factors::check_rating_range(global_mean, min_rating, max_rating)?;
        crate::factors::check_bias("user_bias", &user_bias, user_bias.len())?;
        crate::factors::check_bias("item_bias", &item_bias, item_bias.len())?;
        let by_other = crate::factors::recheck_csr(by_other)?;
        let sims = crate::factors::recheck_csr(sims)?;
        let (n_users, n_items) = (user_bias.len(), item_bias.len());
        let (side, other) = if user_based { (n_users, n_items) } else { (n_items, n_users) };
        if sims.shape() != (side, side) {
            return Err(Error::shape("similarities", format!("{side} × {side}"), format!("{} × {}", sims.n_rows(), sims.n_cols())).into());
        }
        if by_other.shape() != (other, side) {
            return Err(Error::shape(
                "ratings by the other side",
                format!("{other} × {side}"),
                format!("{} × {}", by_other.n_rows(), by_other.n_cols()),
            )
            .into());
        }
        if k == 0 {
            return Err(Error::param("k", "must be at least 1").into());
        }
        Ok(KnnBaseline { user_based, global_mean, user_bias, item_bias, by_other, sims, k, min_k, min_rating, max_rating })
    }
}
