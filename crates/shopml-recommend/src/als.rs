//! Implicit-feedback ALS.
//!
//! Hu, Koren & Volinsky, "Collaborative Filtering for Implicit Feedback
//! Datasets", ICDM 2008: minimise
//! `Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ‖x_u‖² + Σ‖y_i‖²)` over all user–item
//! pairs, with preference `p_ui = [r_ui > 0]` and confidence `c_ui = 1 + α r_ui`.
//! Each half-sweep solves one small ridge system per user (then per item),
//! using `YᵀY` computed once per sweep so that the cost per row is
//! proportional to its number of interactions. Two solvers:
//!
//! - exact: form `YᵀY + Σ (c−1) y yᵀ + λI` and solve it by Cholesky (f64);
//! - conjugate gradient, warm-started from the previous sweep, with a fixed
//!   small number of steps, as proposed by Takács, Pilászy & Tikk,
//!   "Applications of the conjugate gradient method for implicit feedback
//!   collaborative filtering", RecSys 2011. This is the fast default.
//!
//! Factors are `f32`; rows are solved in parallel with rayon, each with its own
//! scratch buffers (no allocation per row). Every row's solve depends only on
//! the other side's factors, so results do not depend on the thread count.

use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Csr, Error, Fit, Interactions, Observer, Params, Progress, Recommend, Scored, validate::param};

use crate::error::{RecommendError, Result};
use crate::factors::{Factors, axpy_with, cholesky_solve_f64, cosine_neighbours, dot, dot_with, matvec_with};
use crate::serve::{FoldIn, Scorer, SimilarItems, SimilarUsers};

/// How each row's ridge system is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlsSolver {
    /// Exact Cholesky solve of the `n_factors × n_factors` system.
    Cholesky,
    /// `steps` warm-started conjugate-gradient steps (Takács et al. 2011).
    ConjugateGradient {
        /// CG steps per row per sweep (implicit's default is 3).
        steps: usize,
    },
}

/// How interaction values become confidences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Confidence {
    /// `c = 1 + α r` (Hu et al. 2008; the default).
    #[default]
    OnePlusAlpha,
    /// `c = α r`, the convention of the `implicit` package (for like-for-like
    /// comparisons; needs `α r >= 1` for the system to stay positive definite).
    AlphaTimesValue,
}

impl Confidence {
    fn offset(self) -> f32 {
        match self {
            Confidence::OnePlusAlpha => 1.0,
            Confidence::AlphaTimesValue => 0.0,
        }
    }
}

/// Parameters of implicit ALS (Hu, Koren & Volinsky 2008); fit gives an [`ImplicitAls`].
#[derive(Clone)]
pub struct ImplicitAlsParams {
    /// Latent factors per user and item (default 100).
    pub n_factors: usize,
    /// L2 regularisation λ (default 0.01).
    pub regularization: f32,
    /// Confidence slope α in `c = 1 + α r` (default 1.0).
    pub alpha: f32,
    /// Confidence convention (default `1 + α r`).
    pub confidence: Confidence,
    /// Full sweeps (users then items), default 15.
    pub iterations: usize,
    /// Row solver (default CG with 3 steps).
    pub solver: AlsSolver,
    /// Scale λ by each row's number of interactions (ALS-WR, Zhou et al. 2008).
    pub frequency_scaled: bool,
    /// Seed of the random initial factors.
    pub seed: u64,
    /// Called after every sweep.
    pub observer: Option<Observer>,
}

impl fmt::Debug for ImplicitAlsParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImplicitAls")
            .field("n_factors", &self.n_factors)
            .field("regularization", &self.regularization)
            .field("alpha", &self.alpha)
            .field("confidence", &self.confidence)
            .field("iterations", &self.iterations)
            .field("solver", &self.solver)
            .field("frequency_scaled", &self.frequency_scaled)
            .field("seed", &self.seed)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

impl Default for ImplicitAlsParams {
    fn default() -> Self {
        ImplicitAlsParams {
            n_factors: 100,
            regularization: 0.01,
            alpha: 1.0,
            confidence: Confidence::OnePlusAlpha,
            iterations: 15,
            solver: AlsSolver::ConjugateGradient { steps: 3 },
            frequency_scaled: false,
            seed: 0,
            observer: None,
        }
    }
}

impl ImplicitAlsParams {
    /// Default parameters (those of the `implicit` package, with `c = 1 + α r`).
    pub fn params() -> Self {
        Self::default()
    }
    /// Sets `n_factors`.
    pub fn n_factors(mut self, v: usize) -> Self {
        self.n_factors = v;
        self
    }
    /// Sets `regularization`.
    pub fn regularization(mut self, v: f32) -> Self {
        self.regularization = v;
        self
    }
    /// Sets `alpha`.
    pub fn alpha(mut self, v: f32) -> Self {
        self.alpha = v;
        self
    }
    /// Sets the confidence convention.
    pub fn confidence(mut self, v: Confidence) -> Self {
        self.confidence = v;
        self
    }
    /// Sets `iterations`.
    pub fn iterations(mut self, v: usize) -> Self {
        self.iterations = v;
        self
    }
    /// Sets the solver.
    pub fn solver(mut self, v: AlsSolver) -> Self {
        self.solver = v;
        self
    }
    /// Sets `frequency_scaled`.
    pub fn frequency_scaled(mut self, v: bool) -> Self {
        self.frequency_scaled = v;
        self
    }
    /// Sets `seed`.
    pub fn seed(mut self, v: u64) -> Self {
        self.seed = v;
        self
    }
    /// Sets a progress observer.
    pub fn observer(mut self, v: Observer) -> Self {
        self.observer = Some(v);
        self
    }
}

impl Params for ImplicitAlsParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_factors", self.n_factors, 1)?;
        param::non_negative("regularization", self.regularization as f64)?;
        param::non_negative("alpha", self.alpha as f64)?;
        param::at_least("iterations", self.iterations, 1)?;
        if let AlsSolver::ConjugateGradient { steps } = self.solver {
            param::at_least("solver.steps", steps, 1)?;
        }
        Ok(())
    }
}

/// Checks implicit-feedback values: stored, non-negative.
pub(crate) fn check_implicit(data: &Interactions) -> shopml_core::Result<()> {
    if data.n_users() == 0 || data.n_items() == 0 || data.nnz() == 0 {
        return Err(Error::empty("interactions (no users, items or stored values)"));
    }
    for (u, i, v) in data.user_items().iter() {
        if v < 0.0 {
            return Err(Error::InvalidValue {
                what: "interactions".into(),
                row: u,
                column: Some(i),
                value: v as f64,
                reason: "implicit feedback must be >= 0".into(),
            });
        }
    }
    Ok(())
}

/// A fitted implicit ALS model: user and item factors; score = `x_uᵀ y_i`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ImplicitAlsRaw")]
pub struct ImplicitAls {
    user_factors: Factors,
    item_factors: Factors,
    regularization: f32,
    alpha: f32,
    offset: f32,
}

struct Scratch {
    r: Vec<f32>,
    p: Vec<f32>,
    ap: Vec<f32>,
    a: Vec<f64>,
    b: Vec<f64>,
}

impl Scratch {
    fn new(k: usize, solver: AlsSolver) -> Self {
        let dense = if solver == AlsSolver::Cholesky { k } else { 0 };
        Scratch { r: vec![0.0; k], p: vec![0.0; k], ap: vec![0.0; k], a: vec![0.0; dense * dense], b: vec![0.0; dense] }
    }
}

#[derive(Clone, Copy)]
struct RowProblem<'a> {
    y: &'a Factors,
    gram: &'a [f32],
    diag: f32,
    cols: &'a [u32],
    vals: &'a [f32],
    alpha: f32,
    /// Confidence is `offset + alpha · value`.
    offset: f32,
}

/// `out += Σ_i coef(c_i, y_i · v) y_i` over the row's interactions, four
/// items at a time so that their rows' loads are in flight together (`v` is
/// fixed during the loop, so this is exactly the one-at-a-time sum).
#[inline(always)]
fn accumulate<const FMA: bool>(pr: RowProblem<'_>, v: &[f32], out: &mut [f32], coef: impl Fn(f32, f32) -> f32) {
    let mut groups_c = pr.cols.chunks_exact(4);
    let mut groups_v = pr.vals.chunks_exact(4);
    for (c4, v4) in (&mut groups_c).zip(&mut groups_v) {
        // Written out rather than with `array::from_fn`: its closures can be
        // left un-inlined, and then run without this function's target features.
        let y: [&[f32]; 4] = [pr.y.row(c4[0] as usize), pr.y.row(c4[1] as usize), pr.y.row(c4[2] as usize), pr.y.row(c4[3] as usize)];
        let d: [f32; 4] = [dot_with::<FMA>(y[0], v), dot_with::<FMA>(y[1], v), dot_with::<FMA>(y[2], v), dot_with::<FMA>(y[3], v)];
        for j in 0..4 {
            axpy_with::<FMA>(coef(pr.offset + pr.alpha * v4[j], d[j]), y[j], out);
        }
    }
    for (&c, &val) in groups_c.remainder().iter().zip(groups_v.remainder()) {
        let y = pr.y.row(c as usize);
        axpy_with::<FMA>(coef(pr.offset + pr.alpha * val, dot_with::<FMA>(y, v)), y, out);
    }
}

/// `steps` CG steps on `(YᵀY + diag·I + Σ αr y yᵀ) x = Σ (1 + αr) y`, from `x`.
#[inline(always)]
fn solve_cg<const FMA: bool>(x: &mut [f32], pr: RowProblem<'_>, steps: usize, s: &mut Scratch) {
    let Scratch { r, p, ap, .. } = s;
    matvec_with::<FMA>(pr.gram, x, r);
    for (ri, xi) in r.iter_mut().zip(x.iter()) {
        *ri = -(*ri + pr.diag * xi);
    }
    accumulate::<FMA>(pr, x, r, |c, d| c - (c - 1.0) * d);
    p.copy_from_slice(r);
    let mut rs_old = dot_with::<FMA>(r, r);
    if rs_old < 1e-20 {
        return;
    }
    for _ in 0..steps {
        matvec_with::<FMA>(pr.gram, p, ap);
        axpy_with::<FMA>(pr.diag, p, ap);
        accumulate::<FMA>(pr, p, ap, |c, d| (c - 1.0) * d);
        let pap = dot_with::<FMA>(p, ap);
        if pap <= 0.0 || !pap.is_finite() {
            break;
        }
        let a = rs_old / pap;
        axpy_with::<FMA>(a, p, x);
        axpy_with::<FMA>(-a, ap, r);
        let rs_new = dot_with::<FMA>(r, r);
        if rs_new < 1e-20 {
            break;
        }
        let beta = rs_new / rs_old;
        for (pi, ri) in p.iter_mut().zip(r.iter()) {
            *pi = ri + beta * *pi;
        }
        rs_old = rs_new;
    }
}

/// Exact solve by Cholesky in f64.
#[inline(always)]
fn solve_cholesky(x: &mut [f32], pr: RowProblem<'_>, s: &mut Scratch) -> shopml_core::Result<()> {
    let k = x.len();
    let (a, b) = (&mut s.a, &mut s.b);
    for (ai, gi) in a.iter_mut().zip(pr.gram) {
        *ai = *gi as f64;
    }
    for d in 0..k {
        a[d * k + d] += pr.diag as f64;
    }
    b.iter_mut().for_each(|v| *v = 0.0);
    for (&c, &v) in pr.cols.iter().zip(pr.vals) {
        let yi = pr.y.row(c as usize);
        let conf = (pr.offset + pr.alpha * v) as f64;
        let w = conf - 1.0;
        for i in 0..k {
            let wi = w * yi[i] as f64;
            let row = &mut a[i * k..i * k + i + 1];
            for (aij, &yj) in row.iter_mut().zip(yi) {
                *aij += wi * yj as f64;
            }
            b[i] += conf * yi[i] as f64;
        }
    }
    // Only the lower triangle was filled; the solve reads no more.
    cholesky_solve_f64(a, b, k).map_err(|pivot| Error::NotPositiveDefinite { what: "ALS row system".into(), pivot })?;
    for (xi, bi) in x.iter_mut().zip(b.iter()) {
        *xi = *bi as f32;
    }
    Ok(())
}

/// Solves one row's system with the chosen solver; `FMA` fuses the CG
/// solver's multiply-adds (only in the AVX2 + FMA build).
#[inline(always)]
fn solve_row_body<const FMA: bool>(x: &mut [f32], pr: RowProblem<'_>, solver: AlsSolver, s: &mut Scratch) -> shopml_core::Result<()> {
    match solver {
        AlsSolver::ConjugateGradient { steps } => {
            solve_cg::<FMA>(x, pr, steps, s);
            Ok(())
        }
        AlsSolver::Cholesky => solve_cholesky(x, pr, s),
    }
}

shopml_core::avx2_dispatch!(fn solve_row(x: &mut [f32], pr: RowProblem<'_>, solver: AlsSolver, s: &mut Scratch) -> shopml_core::Result<()>
    => fma: solve_row_body::<true>, base: solve_row_body::<false>);

impl ImplicitAlsParams {
    fn diag(&self, n: usize) -> f32 {
        if self.frequency_scaled { self.regularization * n.max(1) as f32 } else { self.regularization }
    }

    /// One half-sweep: every row of `x` from `y` and the rows of `m`.
    fn sweep(&self, x: &mut Factors, y: &Factors, m: &Csr) -> shopml_core::Result<()> {
        let k = self.n_factors;
        let gram = y.gram(0.0);
        let solver = self.solver;
        x.as_mut_slice().par_chunks_mut(k).enumerate().try_for_each_init(
            || Scratch::new(k, solver),
            |s, (u, xu)| {
                let (cols, vals) = m.row(u);
                let pr = RowProblem {
                    y,
                    gram: &gram,
                    diag: self.diag(cols.len()),
                    cols,
                    vals,
                    alpha: self.alpha,
                    offset: self.confidence.offset(),
                };
                solve_row(xu, pr, solver, s)
            },
        )
    }
}

impl Fit<Interactions> for ImplicitAlsParams {
    type Model = ImplicitAls;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<ImplicitAls> {
        self.check()?;
        check_implicit(data)?;
        let start = std::time::Instant::now();
        let k = self.n_factors;
        let mut users = Factors::uniform(data.n_users(), k, 0.01, self.seed);
        let mut items = Factors::uniform(data.n_items(), k, 0.01, self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15));
        let ui = data.user_items();
        let iu = data.item_users();
        for it in 0..self.iterations {
            self.sweep(&mut users, &items, ui)?;
            self.sweep(&mut items, &users, iu)?;
            if let Some(obs) = &self.observer {
                obs(&Progress { iteration: it + 1, total: Some(self.iterations), loss: None, elapsed: start.elapsed() });
            }
        }
        Ok(ImplicitAls {
            user_factors: users,
            item_factors: items,
            regularization: self.regularization,
            alpha: self.alpha,
            offset: self.confidence.offset(),
        })
    }
}

impl ImplicitAls {
    /// User factors (`n_users × n_factors`).
    pub fn user_factors(&self) -> &Factors {
        &self.user_factors
    }
    /// Item factors (`n_items × n_factors`).
    pub fn item_factors(&self) -> &Factors {
        &self.item_factors
    }

    /// Solves the factors of a user with the given history (exact solve, item
    /// factors fixed) — the fold-in of Hu et al. §4.
    pub fn fold_in(&self, items: &[u32], values: &[f32]) -> Result<Vec<f32>> {
        self.solve_against(&self.item_factors, items, values, "item")
    }

    /// Solves the factors of a new (or changed) item from the users who
    /// interacted with it (exact solve, user factors fixed) — the item-side
    /// half-step of ALS; add it with [`ImplicitAls::push_item`].
    pub fn fold_in_item(&self, users: &[u32], values: &[f32]) -> Result<Vec<f32>> {
        self.solve_against(&self.user_factors, users, values, "user")
    }

    fn solve_against(&self, y: &Factors, idx: &[u32], values: &[f32], what: &'static str) -> Result<Vec<f32>> {
        if idx.len() != values.len() {
            return Err(Error::shape("history indices vs values", idx.len(), values.len()).into());
        }
        let n = y.n_rows();
        for (pos, (&i, &v)) in idx.iter().zip(values).enumerate() {
            if i as usize >= n {
                return Err(Error::IndexOutOfRange { what, index: i as usize, len: n }.into());
            }
            if !v.is_finite() || v < 0.0 {
                return Err(Error::InvalidValue {
                    what: "history values".into(),
                    row: pos,
                    column: None,
                    value: v as f64,
                    reason: "must be finite and >= 0".into(),
                }
                .into());
            }
        }
        let k = y.n_factors();
        let gram = y.gram(0.0);
        let mut x = vec![0f32; k];
        let mut s = Scratch::new(k, AlsSolver::Cholesky);
        let pr = RowProblem {
            y,
            gram: &gram,
            diag: self.regularization.max(1e-6),
            cols: idx,
            vals: values,
            alpha: self.alpha,
            offset: self.offset,
        };
        solve_cholesky(&mut x, pr, &mut s)?;
        Ok(x)
    }

    /// Adds an item with the given factor row (e.g. from
    /// [`ImplicitAls::fold_in_item`]); returns its index.
    pub fn push_item(&mut self, factors: &[f32]) -> Result<usize> {
        if let Some(p) = factors.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite { what: "item factors".into(), row: p, column: None, value: factors[p] as f64 }.into());
        }
        Ok(self.item_factors.push_row(factors)?)
    }

    /// Adds a user with the given factor row (e.g. from [`ImplicitAls::fold_in`]); returns its index.
    pub fn push_user(&mut self, factors: &[f32]) -> Result<usize> {
        if let Some(p) = factors.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite { what: "user factors".into(), row: p, column: None, value: factors[p] as f64 }.into());
        }
        Ok(self.user_factors.push_row(factors)?)
    }
}

/// Fold-in then push: a new user's (item's) factors are the exact solve
/// against the fixed item (user) factors, as [`ImplicitAls::fold_in`]
/// ([`ImplicitAls::fold_in_item`]).
impl crate::serve::Extend for ImplicitAls {
    fn add_user(&mut self, items: &[u32], values: &[f32]) -> Result<usize> {
        let x = self.fold_in(items, values)?;
        self.push_user(&x)
    }
    fn add_item(&mut self, users: &[u32], values: &[f32]) -> Result<usize> {
        let y = self.fold_in_item(users, values)?;
        self.push_item(&y)
    }
}

impl Recommend for ImplicitAls {
    fn n_users(&self) -> usize {
        self.user_factors.n_rows()
    }
    fn n_items(&self) -> usize {
        self.item_factors.n_rows()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        self.user_factors.score_one(&self.item_factors, None, user)
    }
}

impl Scorer for ImplicitAls {
    fn score_users(&self, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        self.user_factors.score_users(&self.item_factors, None, users, out)
    }
}

impl FoldIn for ImplicitAls {
    fn score_history(&self, items: &[u32], values: &[f32]) -> Result<Vec<f32>> {
        let x = self.fold_in(items, values)?;
        Ok((0..self.n_items()).map(|i| dot(&x, self.item_factors.row(i))).collect())
    }
}

impl SimilarItems for ImplicitAls {
    fn similar_items(&self, item: usize, n: usize) -> Result<Vec<Scored>> {
        cosine_neighbours(&self.item_factors, "item", item, n)
    }
}

impl SimilarUsers for ImplicitAls {
    fn similar_users(&self, user: usize, n: usize) -> Result<Vec<Scored>> {
        cosine_neighbours(&self.user_factors, "user", user, n)
    }
}

impl ImplicitAls {
    /// The parameters that fit this model, at their defaults; see [`ImplicitAlsParams`].
    pub fn params() -> ImplicitAlsParams {
        ImplicitAlsParams::params()
    }
}

#[derive(Deserialize)]
struct ImplicitAlsRaw {
    user_factors: Factors,
    item_factors: Factors,
    regularization: f32,
    alpha: f32,
    offset: f32,
}

impl TryFrom<ImplicitAlsRaw> for ImplicitAls {
    type Error = RecommendError;
    fn try_from(r: ImplicitAlsRaw) -> std::result::Result<Self, RecommendError> {
        let ImplicitAlsRaw { user_factors, item_factors, regularization, alpha, offset } = r;
        crate::factors::check_widths(&user_factors, &item_factors)?;
        for (name, v) in [("regularization", regularization), ("alpha", alpha), ("offset", offset)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::param(name, format!("must be finite and non-negative, got {v}")).into());
            }
        }
        Ok(ImplicitAls { user_factors, item_factors, regularization, alpha, offset })
    }
}
