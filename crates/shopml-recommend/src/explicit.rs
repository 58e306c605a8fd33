//! Explicit-feedback (rating) models: rating baselines and biased matrix
//! factorisation.
//!
//! Ratings are the stored values of an [`Interactions`] matrix (users ×
//! items). Predictions are clipped to the range of the training ratings.

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Interactions, Params, Recommend, Triple, validate::param};

use crate::error::{RecommendError, Result};
use crate::eval::RatingModel;
use crate::factors::{Factors, cholesky_solve_f64, dot};
use crate::serve::Scorer;

pub(crate) fn check_ratings(data: &Interactions) -> shopml_core::Result<f64> {
    if data.n_users() == 0 || data.n_items() == 0 || data.nnz() == 0 {
        return Err(Error::empty("ratings (no users, items or stored ratings)"));
    }
    Ok(data.user_items().values().iter().map(|&v| v as f64).sum::<f64>() / data.nnz() as f64)
}

pub(crate) fn range(data: &Interactions) -> (f32, f32) {
    data.user_items().values().iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

pub(crate) fn check_pair(user: usize, item: usize, nu: usize, ni: usize) -> shopml_core::Result<()> {
    if user >= nu {
        return Err(Error::IndexOutOfRange { what: "user", index: user, len: nu });
    }
    if item >= ni {
        return Err(Error::IndexOutOfRange { what: "item", index: item, len: ni });
    }
    Ok(())
}

/// Rating baseline `μ + b_u + b_i`, fitted by alternating least squares
/// (Koren, "Factor in the neighbors", TKDD 2010, §2.1; Surprise's
/// `BaselineOnly` with `method='als'`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineParams {
    /// Regularisation of user biases (default 15).
    pub reg_user: f64,
    /// Regularisation of item biases (default 10).
    pub reg_item: f64,
    /// Alternating sweeps (default 10).
    pub iterations: usize,
}

impl Default for BaselineParams {
    fn default() -> Self {
        BaselineParams { reg_user: 15.0, reg_item: 10.0, iterations: 10 }
    }
}

impl BaselineParams {
    /// Surprise's defaults.
    pub fn params() -> Self {
        Self::default()
    }
    /// Sets `reg_user`.
    pub fn reg_user(mut self, v: f64) -> Self {
        self.reg_user = v;
        self
    }
    /// Sets `reg_item`.
    pub fn reg_item(mut self, v: f64) -> Self {
        self.reg_item = v;
        self
    }
    /// Sets `iterations`.
    pub fn iterations(mut self, v: usize) -> Self {
        self.iterations = v;
        self
    }
}

impl Params for BaselineParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::non_negative("reg_user", self.reg_user)?;
        param::non_negative("reg_item", self.reg_item)?;
        param::at_least("iterations", self.iterations, 1)
    }
}

/// Fitted rating baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BaselineRaw")]
pub struct Baseline {
    global_mean: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    min_rating: f32,
    max_rating: f32,
}

impl Baseline {
    /// `μ`.
    pub fn global_mean(&self) -> f32 {
        self.global_mean
    }
    /// `b_u` per user.
    pub fn user_bias(&self) -> &[f32] {
        &self.user_bias
    }
    /// `b_i` per item.
    pub fn item_bias(&self) -> &[f32] {
        &self.item_bias
    }
}

impl Fit<Interactions> for BaselineParams {
    type Model = Baseline;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<Baseline> {
        self.check()?;
        let mu = check_ratings(data)?;
        let ui = data.user_items();
        let iu = data.item_users();
        let mut bu = vec![0f64; data.n_users()];
        let mut bi = vec![0f64; data.n_items()];
        for _ in 0..self.iterations {
            for (i, b) in bi.iter_mut().enumerate() {
                let (us, rs) = iu.row(i);
                let s: f64 = us.iter().zip(rs).map(|(&u, &r)| r as f64 - mu - bu[u as usize]).sum();
                *b = s / (self.reg_item + us.len() as f64);
            }
            for (u, b) in bu.iter_mut().enumerate() {
                let (is, rs) = ui.row(u);
                let s: f64 = is.iter().zip(rs).map(|(&i, &r)| r as f64 - mu - bi[i as usize]).sum();
                *b = s / (self.reg_user + is.len() as f64);
            }
        }
        let (lo, hi) = range(data);
        Ok(Baseline {
            global_mean: mu as f32,
            user_bias: bu.into_iter().map(|v| v as f32).collect(),
            item_bias: bi.into_iter().map(|v| v as f32).collect(),
            min_rating: lo,
            max_rating: hi,
        })
    }
}

impl RatingModel for Baseline {
    fn predict_rating(&self, user: usize, item: usize) -> shopml_core::Result<f32> {
        check_pair(user, item, self.user_bias.len(), self.item_bias.len())?;
        Ok((self.global_mean + self.user_bias[user] + self.item_bias[item]).clamp(self.min_rating, self.max_rating))
    }
}

impl Recommend for Baseline {
    fn n_users(&self) -> usize {
        self.user_bias.len()
    }
    fn n_items(&self) -> usize {
        self.item_bias.len()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        rating_scores(self, self.n_items(), user)
    }
}

impl Scorer for Baseline {}

/// The shared [`Recommend::score_items`] of the rating models: every
/// item's predicted rating.
pub(crate) fn rating_scores<M: RatingModel + ?Sized>(model: &M, n_items: usize, user: usize) -> shopml_core::Result<Vec<f32>> {
    (0..n_items).map(|i| model.predict_rating(user, i)).collect()
}

/// Biased matrix factorisation `r̂ = μ + b_u + b_i + p_uᵀ q_i` trained by SGD
/// (Funk 2006; Koren, Bell & Volinsky, "Matrix factorization techniques for
/// recommender systems", IEEE Computer 2009) — the model Surprise calls `SVD`,
/// with its defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BiasedMfParams {
    /// Latent factors (default 100).
    pub n_factors: usize,
    /// Epochs over all ratings (default 20).
    pub n_epochs: usize,
    /// Learning rate (default 0.005).
    pub learning_rate: f32,
    /// Regularisation (default 0.02).
    pub regularization: f32,
    /// Mean of the initial factors (default 0).
    pub init_mean: f32,
    /// Standard deviation of the initial factors (default 0.1).
    pub init_std: f32,
    /// Visit ratings in a fresh seeded random order each epoch (default true;
    /// Surprise visits them user by user). With `implicit`, users are visited
    /// in a fresh random order and each user's ratings together.
    pub shuffle: bool,
    /// Seed of initialisation and shuffling.
    pub seed: u64,
    /// SVD++ (Koren 2008): add each user's implicit feedback — which items
    /// they rated — as `|N(u)|^-½ Σ_{j∈N(u)} y_j` to their factors (default
    /// false). See [`BiasedMfParams::svdpp`].
    pub implicit: bool,
}

impl Default for BiasedMfParams {
    fn default() -> Self {
        BiasedMfParams {
            n_factors: 100,
            n_epochs: 20,
            learning_rate: 0.005,
            regularization: 0.02,
            init_mean: 0.0,
            init_std: 0.1,
            shuffle: true,
            seed: 0,
            implicit: false,
        }
    }
}

impl BiasedMfParams {
    /// Surprise's `SVD` defaults.
    pub fn params() -> Self {
        Self::default()
    }
    /// SVD++ (Koren, *Factorization meets the neighborhood*, KDD 2008) with
    /// Surprise's `SVDpp` defaults: 20 factors, 20 epochs, learning rate
    /// 0.007, regularisation 0.02, initial std 0.1.
    ///
    /// Prediction `μ + b_u + b_i + q_iᵀ(p_u + |N(u)|^-½ Σ_{j∈N(u)} y_j)`, with
    /// `N(u)` the items `u` rated. Trained user by user: the implicit sum is
    /// formed once per user and epoch, that user's ratings update `b`, `p`
    /// and `q` one at a time as in Funk-SVD, and the `y_j` of `N(u)` receive
    /// the user's summed gradient once, after their ratings — `O(|N(u)|·k)`
    /// per user rather than per rating, which is what makes it fast (the
    /// per-rating form recomputes the sum for every rating). The fitted
    /// model is a [`BiasedMf`] whose user factors include the implicit
    /// term.
    pub fn svdpp() -> Self {
        BiasedMfParams { n_factors: 20, learning_rate: 0.007, implicit: true, ..Self::default() }
    }
    /// Sets `implicit` (SVD++).
    pub fn implicit(mut self, v: bool) -> Self {
        self.implicit = v;
        self
    }
    /// Sets `n_factors`.
    pub fn n_factors(mut self, v: usize) -> Self {
        self.n_factors = v;
        self
    }
    /// Sets `n_epochs`.
    pub fn n_epochs(mut self, v: usize) -> Self {
        self.n_epochs = v;
        self
    }
    /// Sets `learning_rate`.
    pub fn learning_rate(mut self, v: f32) -> Self {
        self.learning_rate = v;
        self
    }
    /// Sets `regularization`.
    pub fn regularization(mut self, v: f32) -> Self {
        self.regularization = v;
        self
    }
    /// Sets `init_std`.
    pub fn init_std(mut self, v: f32) -> Self {
        self.init_std = v;
        self
    }
    /// Sets `shuffle`.
    pub fn shuffle(mut self, v: bool) -> Self {
        self.shuffle = v;
        self
    }
    /// Sets `seed`.
    pub fn seed(mut self, v: u64) -> Self {
        self.seed = v;
        self
    }
}

impl Params for BiasedMfParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_factors", self.n_factors, 1)?;
        param::at_least("n_epochs", self.n_epochs, 1)?;
        param::positive("learning_rate", self.learning_rate as f64)?;
        param::non_negative("regularization", self.regularization as f64)?;
        if !self.init_mean.is_finite() {
            return Err(Error::param("init_mean", "must be finite"));
        }
        param::non_negative("init_std", self.init_std as f64)
    }
}

/// What biased MF trains: user and item biases and factors.
struct Trained {
    pu: Factors,
    qi: Factors,
    bu: Vec<f32>,
    bi: Vec<f32>,
}

impl Trained {
    /// `r − (μ + b_u + b_i + p_u·q_i)`.
    #[inline(always)]
    fn error(&self, s: Step, u: usize, i: usize, r: f32) -> f32 {
        r - (s.mu + self.bu[u] + self.bi[i] + dot(self.pu.row(u), self.qi.row(i)))
    }

    /// The bias half of an SGD step (shared by Funk-SVD and SVD++).
    #[inline(always)]
    fn step_biases(&mut self, s: Step, u: usize, i: usize, err: f32) {
        self.bu[u] += s.lr * (err - s.reg * self.bu[u]);
        self.bi[i] += s.lr * (err - s.reg * self.bi[i]);
    }

    /// One Funk-SVD step for rating `(u, i)` with error `err` (Surprise's
    /// update: biases, then `p` and `q` together from their old values).
    #[inline(always)]
    fn step(&mut self, s: Step, u: usize, i: usize, err: f32) {
        self.step_biases(s, u, i, err);
        let q = self.qi.row_mut(i);
        let p = self.pu.row_mut(u);
        for (pf, qf) in p.iter_mut().zip(q.iter_mut()) {
            let (a, b) = (*pf, *qf);
            *pf += s.lr * (err * b - s.reg * a);
            *qf += s.lr * (err * a - s.reg * b);
        }
    }
}

/// The constants of an SGD step: global mean, learning rate, regularisation.
#[derive(Clone, Copy)]
struct Step {
    mu: f32,
    lr: f32,
    reg: f32,
}

/// One SGD pass over `order` (see [`Trained::step`]).
#[inline(always)]
fn sgd_pass_body(order: &[Triple], t: &mut Trained, s: Step) {
    // Ratings are taken four at a time: when the four touch distinct
    // users and items, their errors are computed first (so the four
    // factor rows load in parallel) and the updates applied in order —
    // exactly the sequential result, with less waiting on memory.
    let mut at = 0;
    while at < order.len() {
        let g = &order[at..(at + 4).min(order.len())];
        let independent = g.len() == 4 && (0..4).all(|a| (a + 1..4).all(|b| g[a].user != g[b].user && g[a].item != g[b].item));
        if independent {
            let mut err = [0f32; 4];
            for (e, r) in err.iter_mut().zip(g) {
                *e = t.error(s, r.user as usize, r.item as usize, r.value);
            }
            for (e, r) in err.iter().zip(g) {
                t.step(s, r.user as usize, r.item as usize, *e);
            }
            at += 4;
        } else {
            let r = &g[0];
            let e = t.error(s, r.user as usize, r.item as usize, r.value);
            t.step(s, r.user as usize, r.item as usize, e);
            at += 1;
        }
    }
}

shopml_core::avx2_dispatch!(fn sgd_pass(order: &[Triple], t: &mut Trained, s: Step) => sgd_pass_body);

/// Fitted biased MF model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BiasedMfRaw")]
pub struct BiasedMf {
    global_mean: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    user_factors: Factors,
    item_factors: Factors,
    min_rating: f32,
    max_rating: f32,
}

impl BiasedMf {
    /// User factors `p_u`.
    pub fn user_factors(&self) -> &Factors {
        &self.user_factors
    }
    /// Item factors `q_i`.
    pub fn item_factors(&self) -> &Factors {
        &self.item_factors
    }
}

impl Fit<Interactions> for BiasedMfParams {
    type Model = BiasedMf;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<BiasedMf> {
        self.check()?;
        let mu = check_ratings(data)? as f32;
        let k = self.n_factors;
        let mut t = Trained {
            pu: Factors::normal(data.n_users(), k, self.init_mean, self.init_std, self.seed)?,
            qi: Factors::normal(data.n_items(), k, self.init_mean, self.init_std, self.seed.wrapping_add(1))?,
            bu: vec![0f32; data.n_users()],
            bi: vec![0f32; data.n_items()],
        };
        let s = Step { mu, lr: self.learning_rate, reg: self.regularization };
        if self.implicit {
            let mut imp = Implicit {
                yj: Factors::normal(data.n_items(), k, self.init_mean, self.init_std, self.seed.wrapping_add(3))?,
                z: vec![0f32; k],
                grad: vec![0f32; k],
            };
            let mut users: Vec<u32> = (0..data.n_users() as u32).collect();
            let mut rng = crate::rng::Mix::new(&[self.seed, 4]);
            for _ in 0..self.n_epochs {
                if self.shuffle {
                    rng.shuffle(&mut users);
                }
                for &u in &users {
                    svdpp_user(data.user_items(), u as usize, &mut t, &mut imp, s);
                }
            }
            // Fold the implicit term into the user factors: p_u + |N(u)|^-½ Σ y_j.
            for u in 0..data.n_users() {
                let (items, _) = data.user_items().row(u);
                implicit_sum(&imp.yj, items, &mut imp.z);
                for (p, zf) in t.pu.row_mut(u).iter_mut().zip(&imp.z) {
                    *p += zf;
                }
            }
            return self.finish(data, mu, t);
        }
        let mut order: Vec<Triple> = data.triples().collect();
        let mut rng = crate::rng::Mix::new(&[self.seed, 2]);
        for _ in 0..self.n_epochs {
            if self.shuffle {
                rng.shuffle(&mut order);
            }
            sgd_pass(&order, &mut t, s);
        }
        self.finish(data, mu, t)
    }
}

impl BiasedMfParams {
    /// Checks the fitted values and wraps them in a model.
    fn finish(&self, data: &Interactions, mu: f32, t: Trained) -> Result<BiasedMf> {
        let Trained { pu, qi, bu, bi } = t;
        let diverged = bu.iter().chain(&bi).position(|v| !v.is_finite());
        let diverged = diverged.or_else(|| pu.as_slice().iter().chain(qi.as_slice()).position(|v| !v.is_finite()));
        if let Some(p) = diverged {
            return Err(Error::NotConverged {
                what: format!("biased MF SGD (parameter {p} diverged; lower learning_rate)"),
                iterations: self.n_epochs,
                last_change: f64::NAN,
            }
            .into());
        }
        let (lo, hi) = range(data);
        Ok(BiasedMf { global_mean: mu, user_bias: bu, item_bias: bi, user_factors: pu, item_factors: qi, min_rating: lo, max_rating: hi })
    }
}

/// `z = |N|^-½ Σ_{j∈N} y_j` (zero for an empty `N`).
#[inline(always)]
fn implicit_sum(yj: &Factors, items: &[u32], z: &mut [f32]) {
    z.iter_mut().for_each(|v| *v = 0.0);
    for &j in items {
        for (a, b) in z.iter_mut().zip(yj.row(j as usize)) {
            *a += b;
        }
    }
    let s = 1.0 / (items.len().max(1) as f32).sqrt();
    z.iter_mut().for_each(|v| *v *= s);
}

/// SVD++'s extra state: the implicit factors `y_j`, and per-user scratch
/// (the implicit sum and the summed `y` gradient).
struct Implicit {
    yj: Factors,
    z: Vec<f32>,
    grad: Vec<f32>,
}

/// One user's SVD++ step (see [`BiasedMfParams::svdpp`]).
#[inline(always)]
fn svdpp_user_body(m: &shopml_core::Csr, u: usize, t: &mut Trained, imp: &mut Implicit, s: Step) {
    let (items, ratings) = m.row(u);
    if items.is_empty() {
        return;
    }
    let Implicit { yj, z, grad } = imp;
    implicit_sum(yj, items, z);
    grad.iter_mut().for_each(|v| *v = 0.0);
    for (&i, &r) in items.iter().zip(ratings) {
        let i = i as usize;
        let (p, q) = (t.pu.row(u), t.qi.row(i));
        let mut dotv = 0.0f32;
        for ((pf, zf), qf) in p.iter().zip(z.iter()).zip(q) {
            dotv += (pf + zf) * qf;
        }
        let err = r - (s.mu + t.bu[u] + t.bi[i] + dotv);
        t.step_biases(s, u, i, err);
        let (p, q) = (t.pu.row_mut(u), t.qi.row_mut(i));
        for (((pf, qf), zf), g) in p.iter_mut().zip(q.iter_mut()).zip(z.iter()).zip(grad.iter_mut()) {
            let (a, b) = (*pf, *qf);
            *pf += s.lr * (err * b - s.reg * a);
            *qf += s.lr * (err * (a + zf) - s.reg * b);
            *g += err * b;
        }
    }
    // Every rating of u would have moved each y_j by lr·(err·s·q_i − reg·y_j):
    // apply the summed gradient, and the decay compounded over the ratings
    // ((1 − lr·reg)^|N(u)|, positive however many), in one go.
    let scale = 1.0 / (items.len() as f32).sqrt();
    let decay = (1.0 - s.lr * s.reg).powi(items.len() as i32);
    for &j in items {
        for (y, g) in yj.row_mut(j as usize).iter_mut().zip(grad.iter()) {
            *y = *y * decay + s.lr * scale * g;
        }
    }
}

shopml_core::avx2_dispatch!(fn svdpp_user(m: &shopml_core::Csr, u: usize, t: &mut Trained, imp: &mut Implicit, s: Step) => svdpp_user_body);

impl RatingModel for BiasedMf {
    fn predict_rating(&self, user: usize, item: usize) -> shopml_core::Result<f32> {
        check_pair(user, item, self.user_bias.len(), self.item_bias.len())?;
        let r =
            self.global_mean + self.user_bias[user] + self.item_bias[item] + dot(self.user_factors.row(user), self.item_factors.row(item));
        Ok(r.clamp(self.min_rating, self.max_rating))
    }
}

impl Recommend for BiasedMf {
    fn n_users(&self) -> usize {
        self.user_bias.len()
    }
    fn n_items(&self) -> usize {
        self.item_bias.len()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        rating_scores(self, self.n_items(), user)
    }
}

impl Scorer for BiasedMf {}

impl BiasedMf {
    /// `μ`, the mean training rating.
    pub fn global_mean(&self) -> f32 {
        self.global_mean
    }
    /// `b_u` per user.
    pub fn user_bias(&self) -> &[f32] {
        &self.user_bias
    }
    /// `b_i` per item.
    pub fn item_bias(&self) -> &[f32] {
        &self.item_bias
    }
}

/// Biased matrix factorisation `r̂ = μ + b_u + b_i + p_uᵀ q_i` trained by
/// alternating least squares: with the items fixed, each user's
/// `(b_u, p_u)` is the exact solution of a small ridge regression of
/// `r_ui − μ − b_i` on `(1, q_i)` over the items the user rated, and vice
/// versa (Zhou, Wilkinson, Schreiber & Pan, "Large-scale parallel
/// collaborative filtering for the Netflix prize", AAIM 2008; biases as in
/// Koren, Bell & Volinsky 2009). Fits to a [`BiasedMf`], so serving,
/// serde and evaluation are those of the SGD model.
///
/// Each ridge system is `(Σ x xᵀ + λ_u I) w = Σ x t` of side
/// `n_factors + 1`, solved by an `f64` Cholesky factorisation; with
/// `weighted_regularization` (ALS-WR, the default) `λ_u = λ · n_u`.
/// Rows are solved in parallel; each is independent of the others, so a seed
/// gives the same model whatever the thread count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplicitAlsParams {
    /// Latent factors (default 20).
    pub n_factors: usize,
    /// Alternating sweeps (users, then items) (default 15).
    pub iterations: usize,
    /// Regularisation `λ` (default 0.1).
    pub regularization: f64,
    /// Scale `λ` by each row's number of ratings (ALS-WR; default true).
    pub weighted_regularization: bool,
    /// Standard deviation of the initial factors, mean 0 (default 0.1).
    pub init_std: f32,
    /// Seed of the initial factors.
    pub seed: u64,
}

impl Default for ExplicitAlsParams {
    fn default() -> Self {
        ExplicitAlsParams { n_factors: 20, iterations: 15, regularization: 0.1, weighted_regularization: true, init_std: 0.1, seed: 0 }
    }
}

impl ExplicitAlsParams {
    /// Default parameters.
    pub fn params() -> Self {
        Self::default()
    }
    /// Sets `n_factors`.
    pub fn n_factors(mut self, v: usize) -> Self {
        self.n_factors = v;
        self
    }
    /// Sets `iterations`.
    pub fn iterations(mut self, v: usize) -> Self {
        self.iterations = v;
        self
    }
    /// Sets `regularization`.
    pub fn regularization(mut self, v: f64) -> Self {
        self.regularization = v;
        self
    }
    /// Sets `weighted_regularization`.
    pub fn weighted_regularization(mut self, v: bool) -> Self {
        self.weighted_regularization = v;
        self
    }
    /// Sets `init_std`.
    pub fn init_std(mut self, v: f32) -> Self {
        self.init_std = v;
        self
    }
    /// Sets `seed`.
    pub fn seed(mut self, v: u64) -> Self {
        self.seed = v;
        self
    }
}

impl Params for ExplicitAlsParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_factors", self.n_factors, 1)?;
        param::at_least("iterations", self.iterations, 1)?;
        param::positive("regularization", self.regularization)?;
        param::non_negative("init_std", self.init_std as f64)
    }
}

impl ExplicitAlsParams {
    /// One half-sweep: solves `(bias, factors)` of every row of `m` (users or
    /// items, as a CSR) with the other side fixed.
    fn sweep(
        &self,
        m: &shopml_core::sparse::Csr,
        mu: f64,
        own_bias: &mut [f32],
        own: &mut Factors,
        other_bias: &[f32],
        other: &Factors,
    ) -> shopml_core::Result<()> {
        use rayon::prelude::*;
        let k = self.n_factors;
        let n = k + 1;
        let failed = std::sync::atomic::AtomicUsize::new(usize::MAX);
        own.as_mut_slice().par_chunks_mut(k).zip(own_bias.par_iter_mut()).enumerate().for_each_init(
            || (vec![0f64; n * n], vec![0f64; n], vec![0f64; n]),
            |(a, b, x), (r, (f, bias))| {
                let (cols, vals) = m.row(r);
                a.iter_mut().for_each(|v| *v = 0.0);
                b.iter_mut().for_each(|v| *v = 0.0);
                for (&c, &v) in cols.iter().zip(vals) {
                    let c = c as usize;
                    x[0] = 1.0;
                    for (xd, &q) in x[1..].iter_mut().zip(other.row(c)) {
                        *xd = q as f64;
                    }
                    let t = v as f64 - mu - other_bias[c] as f64;
                    // Lower triangle only.
                    for i in 0..n {
                        let xi = x[i];
                        b[i] += xi * t;
                        let row = &mut a[i * n..i * n + i + 1];
                        for (aij, &xj) in row.iter_mut().zip(&x[..=i]) {
                            *aij += xi * xj;
                        }
                    }
                }
                let lambda =
                    if self.weighted_regularization { self.regularization * cols.len().max(1) as f64 } else { self.regularization };
                for i in 0..n {
                    a[i * n + i] += lambda;
                }
                if cholesky_solve_f64(a, b, n).is_ok() {
                    *bias = b[0] as f32;
                    for (fd, &w) in f.iter_mut().zip(&b[1..]) {
                        *fd = w as f32;
                    }
                } else {
                    failed.fetch_min(r, std::sync::atomic::Ordering::Relaxed);
                }
            },
        );
        match failed.into_inner() {
            usize::MAX => Ok(()),
            r => Err(Error::NotConverged {
                what: format!("explicit ALS ridge system of row {r} is not positive definite"),
                iterations: 0,
                last_change: f64::NAN,
            }),
        }
    }
}

impl Fit<Interactions> for ExplicitAlsParams {
    type Model = BiasedMf;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<BiasedMf> {
        self.check()?;
        let mu = check_ratings(data)?;
        let k = self.n_factors;
        let mut pu = Factors::normal(data.n_users(), k, 0.0, self.init_std, self.seed)?;
        let mut qi = Factors::normal(data.n_items(), k, 0.0, self.init_std, self.seed.wrapping_add(1))?;
        let mut bu = vec![0f32; data.n_users()];
        let mut bi = vec![0f32; data.n_items()];
        let ui = data.user_items();
        let iu = data.item_users();
        for _ in 0..self.iterations {
            self.sweep(ui, mu, &mut bu, &mut pu, &bi, &qi)?;
            self.sweep(iu, mu, &mut bi, &mut qi, &bu, &pu)?;
        }
        let (lo, hi) = range(data);
        Ok(BiasedMf {
            global_mean: mu as f32,
            user_bias: bu,
            item_bias: bi,
            user_factors: pu,
            item_factors: qi,
            min_rating: lo,
            max_rating: hi,
        })
    }
}

impl BiasedMf {
    /// Solves the bias and factors `(b_i, q_i)` of a new (or changed) item
    /// from its ratings by `users`, user biases and factors fixed: the ridge
    /// system of [`ExplicitAlsParams`]'s item half-step, `(Σ x xᵀ + λ_i I) w = Σ x t`
    /// with `x = (1, p_u)`, `t = r_ui − μ − b_u` and `λ_i = λ · n_i` if
    /// `weighted_regularization` else `λ`. Works for models fitted by SGD too.
    pub fn fold_in_item(
        &self,
        users: &[u32],
        ratings: &[f32],
        regularization: f64,
        weighted_regularization: bool,
    ) -> Result<(f32, Vec<f32>)> {
        param::positive("regularization", regularization)?;
        if users.len() != ratings.len() {
            return Err(Error::shape("users vs ratings", users.len(), ratings.len()).into());
        }
        let nu = self.user_bias.len();
        for (pos, (&u, &r)) in users.iter().zip(ratings).enumerate() {
            if u as usize >= nu {
                return Err(Error::IndexOutOfRange { what: "user", index: u as usize, len: nu }.into());
            }
            if !r.is_finite() {
                return Err(Error::NonFinite { what: "ratings".into(), row: pos, column: None, value: r as f64 }.into());
            }
        }
        let k = self.user_factors.n_factors();
        let n = k + 1;
        let (mut a, mut b, mut x) = (vec![0f64; n * n], vec![0f64; n], vec![0f64; n]);
        for (&u, &r) in users.iter().zip(ratings) {
            x[0] = 1.0;
            for (xd, &p) in x[1..].iter_mut().zip(self.user_factors.row(u as usize)) {
                *xd = p as f64;
            }
            let t = r as f64 - self.global_mean as f64 - self.user_bias[u as usize] as f64;
            for i in 0..n {
                b[i] += x[i] * t;
                for j in 0..n {
                    a[i * n + j] += x[i] * x[j];
                }
            }
        }
        let lambda = if weighted_regularization { regularization * users.len().max(1) as f64 } else { regularization };
        for i in 0..n {
            a[i * n + i] += lambda;
        }
        if cholesky_solve_f64(&mut a, &mut b, n).is_err() {
            return Err(Error::NotConverged {
                what: "item fold-in ridge system is not positive definite".into(),
                iterations: 0,
                last_change: f64::NAN,
            }
            .into());
        }
        Ok((b[0] as f32, b[1..].iter().map(|&v| v as f32).collect()))
    }

    /// Adds an item with bias `bias` and factor row `factors` (e.g. from
    /// [`BiasedMf::fold_in_item`]); returns its index.
    pub fn push_item(&mut self, bias: f32, factors: &[f32]) -> Result<usize> {
        if let Some(p) = std::iter::once(&bias).chain(factors).position(|v| !v.is_finite()) {
            return Err(Error::NonFinite { what: "item bias and factors".into(), row: p, column: None, value: f64::NAN }.into());
        }
        let idx = self.item_factors.push_row(factors)?;
        self.item_bias.push(bias);
        Ok(idx)
    }
}

impl Baseline {
    /// The parameters that fit this model, at their defaults; see [`BaselineParams`].
    pub fn params() -> BaselineParams {
        BaselineParams::params()
    }
}

impl BiasedMf {
    /// The parameters that fit this model, at their defaults; see [`BiasedMfParams`].
    pub fn params() -> BiasedMfParams {
        BiasedMfParams::params()
    }
}

#[derive(Deserialize)]
struct BaselineRaw {
    global_mean: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    min_rating: f32,
    max_rating: f32,
}

impl TryFrom<BaselineRaw> for Baseline {
    type Error = RecommendError;
    fn try_from(r: BaselineRaw) -> std::result::Result<Self, RecommendError> {
        let BaselineRaw { global_mean, user_bias, item_bias, min_rating, max_rating } = r;
        crate::factors::check_rating_range(global_mean, min_rating, max_rating)?;
        crate::factors::check_bias("user_bias", &user_bias, user_bias.len())?;
        crate::factors::check_bias("item_bias", &item_bias, item_bias.len())?;
        Ok(Baseline { global_mean, user_bias, item_bias, min_rating, max_rating })
    }
}

#[derive(Deserialize)]
struct BiasedMfRaw {
    global_mean: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    user_factors: Factors,
    item_factors: Factors,
    min_rating: f32,
    max_rating: f32,
}

impl TryFrom<BiasedMfRaw> for BiasedMf {
    type Error = RecommendError;
    fn try_from(r: BiasedMfRaw) -> std::result::Result<Self, RecommendError> {
        let BiasedMfRaw { global_mean, user_bias, item_bias, user_factors, item_factors, min_rating, max_rating } = r;
        crate::factors::check_rating_range(global_mean, min_rating, max_rating)?;
        crate::factors::check_widths(&user_factors, &item_factors)?;
        crate::factors::check_bias("user_bias", &user_bias, user_factors.n_rows())?;
        crate::factors::check_bias("item_bias", &item_bias, item_factors.n_rows())?;
        Ok(BiasedMf { global_mean, user_bias, item_bias, user_factors, item_factors, min_rating, max_rating })
    }
}
