//! Dense `f32` factor matrices and the small vector kernels the models share.
//!
//! Factors are `f32`: memory bandwidth, not arithmetic, bounds the hot loops
//! of ALS, BPR and scoring, and `f32` halves the traffic of `f64`.

use ndarray::{ArrayView2, ArrayViewMut2};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};
use shopml_core::Error;

/// A row-major `n_rows × n_factors` matrix of `f32` latent factors.
/// Loading from JSON checks the buffer length and that every value is finite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FactorsRaw")]
pub struct Factors {
    n_rows: usize,
    n_factors: usize,
    data: Vec<f32>,
}

impl Factors {
    /// All zeros.
    pub fn zeros(n_rows: usize, n_factors: usize) -> Self {
        Factors { n_rows, n_factors, data: vec![0.0; n_rows * n_factors] }
    }

    /// Entries drawn uniformly from `[0, scale)` by a seeded RNG (implicit's ALS start).
    pub fn uniform(n_rows: usize, n_factors: usize, scale: f32, seed: u64) -> Self {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let data = (0..n_rows * n_factors).map(|_| rng.random::<f32>() * scale).collect();
        Factors { n_rows, n_factors, data }
    }

    /// Entries drawn from `N(mean, std²)` by a seeded RNG.
    pub fn normal(n_rows: usize, n_factors: usize, mean: f32, std: f32, seed: u64) -> Result<Self, Error> {
        let dist = Normal::new(mean, std).map_err(|e| Error::param("init_std", e.to_string()))?;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let data = (0..n_rows * n_factors).map(|_| dist.sample(&mut rng)).collect();
        Ok(Factors { n_rows, n_factors, data })
    }

    /// Wraps row-major data; the length must be `n_rows × n_factors` and every value finite.
    pub fn from_vec(n_rows: usize, n_factors: usize, data: Vec<f32>) -> Result<Self, Error> {
        if data.len() != n_rows * n_factors {
            return Err(Error::shape("factor data", n_rows * n_factors, data.len()));
        }
        if let Some(p) = data.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: "factors".into(),
                row: p / n_factors.max(1),
                column: Some(p % n_factors.max(1)),
                value: data[p] as f64,
            });
        }
        Ok(Factors { n_rows, n_factors, data })
    }

    /// Number of rows (users or items).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of latent factors per row.
    pub fn n_factors(&self) -> usize {
        self.n_factors
    }

    /// Row `r` (panics if `r >= n_rows`; callers check indices first).
    #[inline]
    pub fn row(&self, r: usize) -> &[f32] {
        &self.data[r * self.n_factors..(r + 1) * self.n_factors]
    }

    /// Mutable row `r`.
    #[inline]
    pub fn row_mut(&mut self, r: usize) -> &mut [f32] {
        &mut self.data[r * self.n_factors..(r + 1) * self.n_factors]
    }

    /// The whole row-major buffer.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// The whole row-major buffer, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Appends one row (a folded-in user or a new item).
    pub fn push_row(&mut self, row: &[f32]) -> Result<usize, Error> {
        if row.len() != self.n_factors {
            return Err(Error::shape("new factor row", self.n_factors, row.len()));
        }
        self.data.extend_from_slice(row);
        self.n_rows += 1;
        Ok(self.n_rows - 1)
    }

    /// An `ndarray` view (`n_rows × n_factors`).
    pub fn view(&self) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((self.n_rows, self.n_factors), &self.data).expect("length checked at construction")
    }

    /// `Fᵀ F + reg · I` (`n_factors × n_factors`, row-major), by a blocked GEMM.
    pub fn gram(&self, reg: f32) -> Vec<f32> {
        let v = self.view();
        let mut g = v.t().dot(&v);
        for d in 0..self.n_factors {
            g[[d, d]] += reg;
        }
        g.iter().copied().collect()
    }

    /// Scores of one user (row `user` of `self`) against every row of
    /// `items`, plus an optional per-item bias: the shared
    /// [`Recommend::score_items`](shopml_core::Recommend::score_items) of
    /// every factor model.
    pub(crate) fn score_one(&self, items: &Factors, bias: Option<&[f32]>, user: usize) -> shopml_core::Result<Vec<f32>> {
        if user >= self.n_rows {
            return Err(Error::IndexOutOfRange { what: "user", index: user, len: self.n_rows });
        }
        let x = self.row(user);
        let mut out: Vec<f32> = (0..items.n_rows).map(|i| dot(x, items.row(i))).collect();
        if let Some(b) = bias {
            out.iter_mut().zip(b).for_each(|(s, b)| *s += b);
        }
        Ok(out)
    }

    /// [`Scorer::score_users`](crate::Scorer::score_users) of every factor
    /// model: checks the call, then one GEMM per block plus the optional bias.
    pub(crate) fn score_users(&self, items: &Factors, bias: Option<&[f32]>, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        crate::serve::check_block(users, self.n_rows, items.n_rows, out.len())?;
        if users.is_empty() || items.n_rows == 0 {
            return Ok(());
        }
        self.score_block(users, items, out);
        if let Some(b) = bias {
            for row in out.chunks_exact_mut(items.n_rows) {
                row.iter_mut().zip(b).for_each(|(s, b)| *s += b);
            }
        }
        Ok(())
    }

    /// Scores of `users` (rows of `self`) against every row of `items`:
    /// `out[b, i] = self[users[b]] · items[i]`, as one GEMM per block.
    pub(crate) fn score_block(&self, users: &[usize], items: &Factors, out: &mut [f32]) {
        let k = self.n_factors;
        let mut u = ndarray::Array2::<f32>::zeros((users.len(), k));
        for (b, &r) in users.iter().enumerate() {
            u.row_mut(b).as_slice_mut().expect("standard layout").copy_from_slice(self.row(r));
        }
        let mut c = ArrayViewMut2::from_shape((users.len(), items.n_rows), out).expect("caller sized the block");
        ndarray::linalg::general_mat_mul(1.0, &u, &items.view().t(), 0.0, &mut c);
    }
}

/// `acc + x·y`, fused into one rounding when `FMA` (only instantiated with
/// `FMA = true` inside code built with the `fma` target feature, where it is
/// one instruction; elsewhere `mul_add` would be a slow library call).
#[inline(always)]
pub(crate) fn madd<const FMA: bool>(x: f32, y: f32, acc: f32) -> f32 {
    if FMA { x.mul_add(y, acc) } else { acc + x * y }
}

/// Dot product with sixteen independent accumulators (lets the compiler
/// vectorise the `f32` sum without reassociating it).
#[inline(always)]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    dot_with::<false>(a, b)
}

/// [`dot`], optionally with fused multiply-adds.
#[inline(always)]
pub(crate) fn dot_with<const FMA: bool>(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (ca, ra) = a[..n].as_chunks::<16>();
    let (cb, rb) = b[..n].as_chunks::<16>();
    let mut acc = [0f32; 16];
    for (x, y) in ca.iter().zip(cb) {
        for l in 0..16 {
            acc[l] = madd::<FMA>(x[l], y[l], acc[l]);
        }
    }
    // A plain left-to-right reduction: a pairwise tree here makes LLVM
    // vectorise the main loop two lanes at a time instead of sixteen.
    let mut s = 0f32;
    for v in acc {
        s += v;
    }
    for (x, y) in ra.iter().zip(rb) {
        s = madd::<FMA>(*x, *y, s);
    }
    s
}

/// `y += a · x`, optionally with fused multiply-adds.
#[inline(always)]
pub(crate) fn axpy_with<const FMA: bool>(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = madd::<FMA>(a, *xi, *yi);
    }
}

/// `out = M v` for a *symmetric* row-major `M` of side `v.len()`, computed as
/// `Σ_j v_j M[j, :]` (row j equals column j), which vectorises without
/// horizontal sums; optionally with fused multiply-adds.
#[inline(always)]
pub(crate) fn matvec_with<const FMA: bool>(m: &[f32], v: &[f32], out: &mut [f32]) {
    let k = v.len();
    out.iter_mut().for_each(|o| *o = 0.0);
    for (row, &vj) in m.chunks_exact(k).zip(v) {
        axpy_with::<FMA>(vj, row, out);
    }
}

/// In-place Cholesky solve of the symmetric positive definite `a` (row-major,
/// side `n`, lower triangle used and overwritten); `b` becomes the solution.
/// Allocation-free (the ALS and explicit-ALS row solves run it per row).
/// Returns the index of the first pivot that is not positive.
#[inline(always)]
pub(crate) fn cholesky_solve_f64(a: &mut [f64], b: &mut [f64], n: usize) -> Result<(), usize> {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return Err(j);
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * n + k] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= a[k * n + i] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    Ok(())
}

/// Cosine similarities of row `r` against every row, top `n` others; `what`
/// (`"user"` or `"item"`) names the row kind in the out-of-range error.
pub(crate) fn cosine_neighbours(f: &Factors, what: &'static str, r: usize, n: usize) -> crate::Result<Vec<shopml_core::Scored>> {
    if r >= f.n_rows() {
        return Err(Error::IndexOutOfRange { what, index: r, len: f.n_rows() }.into());
    }
    let q = f.row(r);
    let qn = dot(q, q).sqrt();
    let mut scores: Vec<f32> = (0..f.n_rows())
        .map(|o| {
            let x = f.row(o);
            let d = dot(x, x).sqrt() * qn;
            if d > 0.0 { dot(q, x) / d } else { 0.0 }
        })
        .collect();
    scores[r] = f32::NEG_INFINITY;
    Ok(shopml_core::top_n(&scores, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_match_naive() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5 - 3.0).collect();
        let b: Vec<f32> = (0..19).map(|i| (i as f32).sin()).collect();
        let naive: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
        assert!((dot(&a, &b) as f64 - naive).abs() < 1e-4);
        let f = Factors::from_vec(3, 2, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        // FᵀF = [[35, 44], [44, 56]] by hand.
        assert_eq!(f.gram(1.0), vec![36.0, 44.0, 44.0, 57.0]);
        let mut out = vec![0.0; 6];
        f.score_block(&[2, 0], &f, &mut out);
        assert_eq!(out, vec![17.0, 39.0, 61.0, 5.0, 11.0, 17.0]);
    }
}

#[derive(Deserialize)]
struct FactorsRaw {
    n_rows: usize,
    n_factors: usize,
    data: Vec<f32>,
}

impl TryFrom<FactorsRaw> for Factors {
    type Error = Error;
    fn try_from(r: FactorsRaw) -> std::result::Result<Self, Error> {
        let FactorsRaw { n_rows, n_factors, data } = r;
        let checked = Factors::from_vec(n_rows, n_factors, data)?;
        let Factors { n_rows, n_factors, data } = checked;
        Ok(Factors { n_rows, n_factors, data })
    }
}

/// Re-checks a CSR matrix read from JSON (structure, column range, finite
/// values) through [`Csr::from_parts`](shopml_core::Csr::from_parts).
pub(crate) fn recheck_csr(c: shopml_core::Csr) -> Result<shopml_core::Csr, Error> {
    shopml_core::Csr::from_parts(c.n_rows(), c.n_cols(), c.indptr().to_vec(), c.indices().to_vec(), c.values().to_vec())
}

/// Checks that a loaded bias vector has `n` finite entries.
pub(crate) fn check_bias(what: &'static str, b: &[f32], n: usize) -> Result<(), Error> {
    if b.len() != n {
        return Err(Error::shape(what, n, b.len()));
    }
    if let Some(p) = b.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite { what: what.into(), row: p, column: None, value: b[p] as f64 });
    }
    Ok(())
}

/// Checks a loaded rating range and mean.
pub(crate) fn check_rating_range(global_mean: f32, min: f32, max: f32) -> Result<(), Error> {
    if !(min.is_finite() && max.is_finite() && min <= max) {
        return Err(Error::param("min_rating", format!("the rating range must be finite with min ≤ max, got [{min}, {max}]")));
    }
    if !global_mean.is_finite() {
        return Err(Error::param("global_mean", format!("must be finite, got {global_mean}")));
    }
    Ok(())
}

/// Checks that user and item factors share their width.
pub(crate) fn check_widths(users: &Factors, items: &Factors) -> Result<(), Error> {
    if users.n_factors() != items.n_factors() {
        return Err(Error::shape("item factors", format!("{} factors (as the user factors)", users.n_factors()), items.n_factors()));
    }
    Ok(())
}
