//! Bayesian Personalised Ranking.
//!
//! Rendle, Freudenthaler, Gantner & Schmidt-Thieme, "BPR: Bayesian
//! Personalized Ranking from Implicit Feedback", UAI 2009: maximise
//! `Σ ln σ(x̂_ui − x̂_uj) − λ‖Θ‖²` over triples (user, positive i, negative j)
//! by stochastic gradient ascent, with `x̂_ui = x_uᵀ y_i + b_i`.
//!
//! ## Parallel SGD without data races
//!
//! Hogwild (lock-free racing writes, as `implicit` does) is not expressible in
//! safe Rust. Instead each epoch is run as **stratified SGD** (the DSGD scheme
//! of Gemulla et al., KDD 2011): users are split into `n_blocks` fixed blocks
//! (a seeded permutation) and items into `n_blocks` blocks drawn afresh each
//! epoch. An epoch has `n_blocks` sub-epochs; in sub-epoch `s`, user block `t`
//! is paired with item block `(t + s) mod n_blocks`, so the strata of a
//! sub-epoch touch disjoint user and item rows and run in parallel with
//! exclusive `&mut` access. Within a stratum every positive pair is visited
//! once in a shuffled order, and its negative is drawn from the stratum's item
//! block — uniformly by default, or in proportion to popularity — rejecting
//! the user's positives (a positive is never used as a negative; if ten draws
//! all hit positives the step is skipped).
//! Each stratum has its own RNG seeded from `(seed, epoch, sub-epoch, block)`,
//! so the model is identical whatever the thread count.

use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Csr, Error, Fit, Interactions, Params, Recommend, Scored, validate::param};

use crate::als::check_implicit;
use crate::error::{RecommendError, Result};
use crate::factors::{Factors, cosine_neighbours, dot};
use crate::rng::Mix;
use crate::serve::{Scorer, SimilarItems, SimilarUsers};

/// A validation hook: called with the epoch (1-based) and a snapshot of the
/// model; return `false` to stop training early (that snapshot is returned).
pub type Validation = Arc<dyn Fn(usize, &Bpr) -> bool + Send + Sync>;

/// How negative items are drawn (never a positive of the user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum NegativeSampling {
    /// Uniformly over the item block (Rendle et al.'s uniform sampler; default).
    #[default]
    Uniform,
    /// Proportionally to item popularity within the stratum: the item of a
    /// random positive pair of the stratum. (Files written before the
    /// variant's name was fixed say `PopularityParams`; they still load.)
    #[serde(alias = "PopularityParams")]
    Popularity,
}

/// How an epoch draws its (user, positive) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PairSampling {
    /// Every positive once per epoch, in a shuffled order; a negative draw
    /// that is a positive of the user is redrawn (up to 10 times). Default.
    #[default]
    Shuffled,
    /// As many draws as positives, with replacement; a negative draw that is
    /// a positive of the user skips the sample (`implicit`'s scheme).
    WithReplacement,
}

/// Parameters of BPR (Rendle et al. 2009); fit gives a [`Bpr`].
#[derive(Clone)]
pub struct BprParams {
    /// Latent factors (default 100).
    pub n_factors: usize,
    /// SGD step size (default 0.01).
    pub learning_rate: f32,
    /// L2 regularisation (default 0.01).
    pub regularization: f32,
    /// Epochs; each visits every positive once (default 100).
    pub iterations: usize,
    /// Blocks of the stratified schedule (default 8); the parallelism is at
    /// most this. Results depend on it, not on the thread count.
    pub n_blocks: usize,
    /// Negative sampler (default uniform).
    pub negative_sampling: NegativeSampling,
    /// How positives are drawn (default: each once per epoch, shuffled).
    pub pair_sampling: PairSampling,
    /// Seed of initialisation and sampling.
    pub seed: u64,
    /// Validation hook and how often (epochs) to call it.
    pub validation: Option<(usize, Validation)>,
}

impl fmt::Debug for BprParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bpr")
            .field("n_factors", &self.n_factors)
            .field("learning_rate", &self.learning_rate)
            .field("regularization", &self.regularization)
            .field("iterations", &self.iterations)
            .field("n_blocks", &self.n_blocks)
            .field("negative_sampling", &self.negative_sampling)
            .field("pair_sampling", &self.pair_sampling)
            .field("seed", &self.seed)
            .field("validation_every", &self.validation.as_ref().map(|v| v.0))
            .finish()
    }
}

impl Default for BprParams {
    fn default() -> Self {
        BprParams {
            n_factors: 100,
            learning_rate: 0.01,
            regularization: 0.01,
            iterations: 100,
            n_blocks: 8,
            negative_sampling: NegativeSampling::Uniform,
            pair_sampling: PairSampling::Shuffled,
            seed: 0,
            validation: None,
        }
    }
}

impl BprParams {
    /// Default parameters (those of `implicit`'s BPR).
    pub fn params() -> Self {
        Self::default()
    }
    /// Sets `n_factors`.
    pub fn n_factors(mut self, v: usize) -> Self {
        self.n_factors = v;
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
    /// Sets `iterations` (epochs).
    pub fn iterations(mut self, v: usize) -> Self {
        self.iterations = v;
        self
    }
    /// Sets `n_blocks`.
    pub fn n_blocks(mut self, v: usize) -> Self {
        self.n_blocks = v;
        self
    }
    /// Sets the negative sampler.
    pub fn negative_sampling(mut self, v: NegativeSampling) -> Self {
        self.negative_sampling = v;
        self
    }
    /// Sets `pair_sampling`.
    pub fn pair_sampling(mut self, v: PairSampling) -> Self {
        self.pair_sampling = v;
        self
    }
    /// Sets `seed`.
    pub fn seed(mut self, v: u64) -> Self {
        self.seed = v;
        self
    }
    /// Calls `hook` every `every` epochs.
    pub fn validation(mut self, every: usize, hook: Validation) -> Self {
        self.validation = Some((every, hook));
        self
    }
}

impl Params for BprParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_factors", self.n_factors, 1)?;
        param::positive("learning_rate", self.learning_rate as f64)?;
        param::non_negative("regularization", self.regularization as f64)?;
        param::at_least("iterations", self.iterations, 1)?;
        param::at_least("n_blocks", self.n_blocks, 1)?;
        if let Some((every, _)) = &self.validation {
            param::at_least("validation.every", *every, 1)?;
        }
        Ok(())
    }
}

/// A fitted BPR model: score = `x_uᵀ y_i + b_i`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BprRaw")]
pub struct Bpr {
    user_factors: Factors,
    item_factors: Factors,
    item_bias: Vec<f32>,
}

impl Bpr {
    /// User factors.
    pub fn user_factors(&self) -> &Factors {
        &self.user_factors
    }
    /// Item factors.
    pub fn item_factors(&self) -> &Factors {
        &self.item_factors
    }
    /// Item biases.
    pub fn item_bias(&self) -> &[f32] {
        &self.item_bias
    }
}

/// Block boundaries: `n` rows into `s` nearly equal contiguous blocks.
fn bounds(n: usize, s: usize) -> Vec<usize> {
    (0..=s).map(|t| t * n / s).collect()
}

/// Which block a position falls in.
fn block_of(bounds: &[usize], pos: usize) -> usize {
    bounds.partition_point(|&b| b <= pos) - 1
}

/// Two distinct mutable rows of a row-major buffer.
fn two_rows(buf: &mut [f32], k: usize, a: usize, b: usize) -> (&mut [f32], &mut [f32]) {
    if a < b {
        let (lo, hi) = buf.split_at_mut(b * k);
        (&mut lo[a * k..(a + 1) * k], &mut hi[..k])
    } else {
        let (lo, hi) = buf.split_at_mut(a * k);
        (&mut hi[..k], &mut lo[b * k..(b + 1) * k])
    }
}

struct Stratum<'a> {
    users: &'a mut [f32],
    items: &'a mut [f32],
    bias: &'a mut [f32],
    /// (local user row, local item row) of each positive in the stratum.
    pairs: &'a mut [(u32, u32)],
    user_offset: usize,
    item_offset: usize,
}

/// What every stratum of an epoch shares.
#[derive(Clone, Copy)]
struct Shared<'a> {
    lr: f32,
    reg: f32,
    negatives: NegativeSampling,
    pairs: PairSampling,
    k: usize,
    /// The training matrix (for the negative check).
    csr: &'a Csr,
    user_of_pos: &'a [u32],
    item_of_pos: &'a [u32],
}

shopml_core::avx2_dispatch!(fn run_stratum(sh: Shared<'_>, st: Stratum<'_>, rng: &mut Mix) => run_stratum_body);

/// Prefetches what the sample `(ul, il)` will touch: the start of its user's
/// positives and the user's and item's factor rows.
#[inline(always)]
fn warm(sh: Shared<'_>, (ul, il): (u32, u32), user_offset: usize, users: &[f32], items: &[f32]) {
    let Shared { csr, user_of_pos, k, .. } = sh;
    let user = user_of_pos[user_offset + ul as usize] as usize;
    // The negative check binary-searches the user's positives: its first
    // probes are the middle and the quarter points of the row.
    let (a, b) = (csr.indptr()[user], csr.indptr()[user + 1]);
    let len = b - a;
    shopml_core::simd::prefetch(csr.indices(), a + len / 2);
    if len > 64 {
        shopml_core::simd::prefetch(csr.indices(), a + len / 4);
        shopml_core::simd::prefetch(csr.indices(), a + 3 * len / 4);
    }
    for line in (0..k).step_by(16) {
        shopml_core::simd::prefetch(users, ul as usize * k + line);
        shopml_core::simd::prefetch(items, il as usize * k + line);
    }
}

/// SGD over one stratum's (user, positive) pairs (Rendle et al. 2009, Alg. 1).
#[inline(always)]
fn run_stratum_body(sh: Shared<'_>, st: Stratum<'_>, rng: &mut Mix) {
    let Shared { lr, reg, negatives, pairs, k, csr, user_of_pos, item_of_pos } = sh;
    let n_block_items = st.bias.len();
    if n_block_items < 2 {
        return;
    }
    let n_pairs = st.pairs.len();
    let tries = match pairs {
        PairSampling::Shuffled => {
            rng.shuffle(st.pairs);
            10
        }
        PairSampling::WithReplacement => 1,
    };
    // The sample `AHEAD` draws from now is known in advance (the shuffled
    // order, or a small queue of pre-drawn indices), so the cache lines it
    // will need — the user's positives (for the negative check), the user's
    // and the positive item's factor rows — are prefetched while this one is
    // processed. Profiles showed ~85 % of the time waiting on those loads.
    const AHEAD: usize = 8;
    let mut queue = [0usize; AHEAD];
    if pairs == PairSampling::WithReplacement {
        for q in queue.iter_mut() {
            *q = rng.below(n_pairs);
        }
    }
    for draw in 0..n_pairs {
        let p = match pairs {
            PairSampling::Shuffled => {
                if draw + AHEAD < n_pairs {
                    warm(sh, st.pairs[draw + AHEAD], st.user_offset, st.users, st.items);
                }
                draw
            }
            PairSampling::WithReplacement => {
                let p = queue[draw % AHEAD];
                let next = rng.below(n_pairs);
                queue[draw % AHEAD] = next;
                warm(sh, st.pairs[next], st.user_offset, st.users, st.items);
                p
            }
        };
        let (ul, il) = st.pairs[p];
        let user = user_of_pos[st.user_offset + ul as usize] as usize;
        let positives = csr.row(user).0;
        let mut neg = None;
        for _ in 0..tries {
            let j = match negatives {
                NegativeSampling::Uniform => rng.below(n_block_items),
                NegativeSampling::Popularity => st.pairs[rng.below(n_pairs)].1 as usize,
            };
            if j != il as usize && positives.binary_search(&item_of_pos[st.item_offset + j]).is_err() {
                neg = Some(j);
                break;
            }
        }
        let Some(jl) = neg else { continue };
        let il = il as usize;
        let xu = &mut st.users[ul as usize * k..(ul as usize + 1) * k];
        let (yi, yj) = two_rows(st.items, k, il, jl);
        let x = dot(xu, yi) - dot(xu, yj) + st.bias[il] - st.bias[jl];
        let z = 1.0 / (1.0 + x.exp());
        st.bias[il] += lr * (z - reg * st.bias[il]);
        st.bias[jl] += lr * (-z - reg * st.bias[jl]);
        for f in 0..k {
            let (uf, ifac, jf) = (xu[f], yi[f], yj[f]);
            xu[f] += lr * (z * (ifac - jf) - reg * uf);
            yi[f] += lr * (z * uf - reg * ifac);
            yj[f] += lr * (-z * uf - reg * jf);
        }
    }
}

impl Fit<Interactions> for BprParams {
    type Model = Bpr;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<Bpr> {
        self.check()?;
        check_implicit(data)?;
        let (nu, ni) = data.shape();
        let k = self.n_factors;
        let s = self.n_blocks.min(nu).min(ni).max(1);
        let mut rng = Mix::new(&[self.seed, 1]);
        // Fixed user order (positions) for the whole fit.
        let mut user_of_pos: Vec<u32> = (0..nu as u32).collect();
        rng.shuffle(&mut user_of_pos);
        let mut pos_of_user = vec![0u32; nu];
        for (p, &u) in user_of_pos.iter().enumerate() {
            pos_of_user[u as usize] = p as u32;
        }
        let ub = bounds(nu, s);
        let ib = bounds(ni, s);
        let scale = 1.0 / k as f32;
        let init = |n: usize, salt: u64| {
            let mut g = Mix::new(&[self.seed, salt]);
            (0..n * k).map(|_| ((g.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * scale).collect::<Vec<f32>>()
        };
        // Users stored in position order; items in the current epoch's order.
        let mut users = init(nu, 2);
        let mut items = init(ni, 3);
        let mut bias = vec![0f32; ni];
        let mut item_of_pos: Vec<u32> = (0..ni as u32).collect();
        let mut pos_of_item = vec![0u32; ni];
        // Every positive's (local user, local item) pair, grouped by stratum
        // (user block × item block) by a counting sort each epoch: one exact
        // allocation of 8 bytes per positive, no per-stratum slack.
        let n_pos = data.user_items().values().iter().filter(|&&v| v > 0.0).count();
        let mut pairs: Vec<(u32, u32)> = vec![(0, 0); n_pos];
        let mut offsets = vec![0usize; s * s + 1];
        let mut scratch_items = vec![0f32; ni * k];
        let mut scratch_bias = vec![0f32; ni];
        let mut ub_of_pos = vec![0u16; nu];
        for (p, b) in ub_of_pos.iter_mut().enumerate() {
            *b = block_of(&ub, p) as u16;
        }
        for epoch in 0..self.iterations {
            // New item order: permute factors and biases physically.
            let mut order = item_of_pos.clone();
            rng.shuffle(&mut order);
            for (p, &it) in order.iter().enumerate() {
                let old = pos_of_item[it as usize] as usize;
                scratch_items[p * k..(p + 1) * k].copy_from_slice(&items[old * k..(old + 1) * k]);
                scratch_bias[p] = bias[old];
            }
            std::mem::swap(&mut items, &mut scratch_items);
            std::mem::swap(&mut bias, &mut scratch_bias);
            item_of_pos = order;
            for (p, &it) in item_of_pos.iter().enumerate() {
                pos_of_item[it as usize] = p as u32;
            }
            let ib_of_pos: Vec<u16> = (0..ni).map(|p| block_of(&ib, p) as u16).collect();
            // Counting sort of the positives by stratum.
            let stratum_of = |u: usize, c: u32| -> (usize, usize, usize) {
                let up = pos_of_user[u] as usize;
                let bu = ub_of_pos[up] as usize;
                let ip = pos_of_item[c as usize] as usize;
                let bi = ib_of_pos[ip] as usize;
                (bu * s + bi, up - ub[bu], ip - ib[bi])
            };
            offsets.iter_mut().for_each(|o| *o = 0);
            for u in 0..nu {
                let (cols, vals) = data.user_items().row(u);
                for (&c, &v) in cols.iter().zip(vals) {
                    if v > 0.0 {
                        offsets[stratum_of(u, c).0 + 1] += 1;
                    }
                }
            }
            for i in 0..s * s {
                offsets[i + 1] += offsets[i];
            }
            let mut cursor = offsets.clone();
            for u in 0..nu {
                let (cols, vals) = data.user_items().row(u);
                for (&c, &v) in cols.iter().zip(vals) {
                    if v > 0.0 {
                        let (st, ul, il) = stratum_of(u, c);
                        pairs[cursor[st]] = (ul as u32, il as u32);
                        cursor[st] += 1;
                    }
                }
            }
            for sub in 0..s {
                let mut user_chunks: Vec<&mut [f32]> = Vec::with_capacity(s);
                let mut rest = users.as_mut_slice();
                for t in 0..s {
                    let (a, b) = rest.split_at_mut((ub[t + 1] - ub[t]) * k);
                    user_chunks.push(a);
                    rest = b;
                }
                let mut item_chunks: Vec<(&mut [f32], &mut [f32])> = Vec::with_capacity(s);
                let (mut ri, mut rb) = (items.as_mut_slice(), bias.as_mut_slice());
                for t in 0..s {
                    let n = ib[t + 1] - ib[t];
                    let (a, b) = ri.split_at_mut(n * k);
                    let (c, d) = rb.split_at_mut(n);
                    item_chunks.push((a, c));
                    ri = b;
                    rb = d;
                }
                item_chunks.rotate_left(sub);
                // Strata (t, (t + sub) mod s) for every t.
                // (Strata in index order t·s + b visit t in increasing order.)
                let mut pair_lists: Vec<(usize, &mut [(u32, u32)])> = Vec::with_capacity(s);
                let mut rest = pairs.as_mut_slice();
                for idx in 0..s * s {
                    let (a, b) = rest.split_at_mut(offsets[idx + 1] - offsets[idx]);
                    rest = b;
                    if (idx / s + sub) % s == idx % s {
                        pair_lists.push((idx, a));
                    }
                }
                let jobs: Vec<_> = user_chunks.into_iter().zip(item_chunks).zip(pair_lists).enumerate().collect();
                let sh = Shared {
                    lr: self.learning_rate,
                    reg: self.regularization,
                    negatives: self.negative_sampling,
                    pairs: self.pair_sampling,
                    k,
                    csr: data.user_items(),
                    user_of_pos: &user_of_pos,
                    item_of_pos: &item_of_pos,
                };
                jobs.into_par_iter().for_each(|(t, ((uc, (ic, bc)), (_, pairs)))| {
                    let bi = (t + sub) % s;
                    let mut r = Mix::new(&[self.seed, epoch as u64, sub as u64, t as u64, 4]);
                    let st = Stratum { users: uc, items: ic, bias: bc, pairs, user_offset: ub[t], item_offset: ib[bi] };
                    run_stratum(sh, st, &mut r);
                });
            }
            if let Some((every, hook)) = &self.validation
                && (epoch + 1) % every == 0
            {
                let snap = unpermute(&users, &pos_of_user, &items, &bias, &pos_of_item, k)?;
                if !hook(epoch + 1, &snap) {
                    return Ok(snap);
                }
            }
        }
        // Free the training buffers before the model's copies are made (peak memory).
        drop((pairs, scratch_items, scratch_bias));
        unpermute(&users, &pos_of_user, &items, &bias, &pos_of_item, k)
    }
}

fn unpermute(users: &[f32], pos_of_user: &[u32], items: &[f32], bias: &[f32], pos_of_item: &[u32], k: usize) -> Result<Bpr> {
    let mut uf = Vec::with_capacity(users.len());
    for &p in pos_of_user {
        uf.extend_from_slice(&users[p as usize * k..(p as usize + 1) * k]);
    }
    let mut itf = Vec::with_capacity(items.len());
    let mut b = Vec::with_capacity(bias.len());
    for &p in pos_of_item {
        itf.extend_from_slice(&items[p as usize * k..(p as usize + 1) * k]);
        b.push(bias[p as usize]);
    }
    if let Some(p) = b.iter().position(|v| !v.is_finite()) {
        return Err(Error::NotConverged {
            what: format!("BPR (item {p} bias diverged; lower learning_rate)"),
            iterations: 0,
            last_change: f64::NAN,
        }
        .into());
    }
    Ok(Bpr {
        user_factors: Factors::from_vec(pos_of_user.len(), k, uf)?,
        item_factors: Factors::from_vec(pos_of_item.len(), k, itf)?,
        item_bias: b,
    })
}

impl Recommend for Bpr {
    fn n_users(&self) -> usize {
        self.user_factors.n_rows()
    }
    fn n_items(&self) -> usize {
        self.item_factors.n_rows()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        self.user_factors.score_one(&self.item_factors, Some(&self.item_bias), user)
    }
}

impl Scorer for Bpr {
    fn score_users(&self, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        self.user_factors.score_users(&self.item_factors, Some(&self.item_bias), users, out)
    }
}

impl SimilarItems for Bpr {
    fn similar_items(&self, item: usize, n: usize) -> Result<Vec<Scored>> {
        cosine_neighbours(&self.item_factors, "item", item, n)
    }
}

impl SimilarUsers for Bpr {
    fn similar_users(&self, user: usize, n: usize) -> Result<Vec<Scored>> {
        cosine_neighbours(&self.user_factors, "user", user, n)
    }
}

impl Bpr {
    /// The parameters that fit this model, at their defaults; see [`BprParams`].
    pub fn params() -> BprParams {
        BprParams::params()
    }
}

#[derive(Deserialize)]
struct BprRaw {
    user_factors: Factors,
    item_factors: Factors,
    item_bias: Vec<f32>,
}

impl TryFrom<BprRaw> for Bpr {
    type Error = RecommendError;
    fn try_from(r: BprRaw) -> std::result::Result<Self, RecommendError> {
        let BprRaw { user_factors, item_factors, item_bias } = r;
        crate::factors::check_widths(&user_factors, &item_factors)?;
        crate::factors::check_bias("item_bias", &item_bias, item_factors.n_rows())?;
        Ok(Bpr { user_factors, item_factors, item_bias })
    }
}
