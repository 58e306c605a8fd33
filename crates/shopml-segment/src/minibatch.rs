//! Mini-batch k-means (Sculley, 2010, "Web-scale k-means clustering", WWW):
//! each step draws a small batch of rows, assigns it to the nearest centres
//! and moves every centre towards its batch mean with a per-centre learning
//! rate `1 / (rows seen so far)`. [`MiniBatchKMeans::partial_fit`] takes
//! batches one at a time, so the data never has to be in memory at once.
//!
//! The details follow scikit-learn's `MiniBatchKMeans`: k-means++ on
//! `init_size` rows, the best of `n_init` initialisations on a validation
//! sample, random reassignment of centres that receive less than
//! `reassignment_ratio` of the largest centre's weight, and early stopping
//! when an exponentially weighted average of the batch inertia has not
//! improved for `max_no_improvement` steps.

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};
use rand::{Rng, RngCore, SeedableRng, rngs::StdRng};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Error as CoreError, Fit, Params, Predict, validate::param};

use crate::error::{Result, SegmentError};
use crate::float::{Float, check_records, check_weights};
use crate::init;
use crate::lloyd::{self, Rows};

/// Hyper-parameters of mini-batch k-means. Build with [`MiniBatchKMeans::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiniBatchKMeansParams {
    n_clusters: usize,
    batch_size: usize,
    max_iter: usize,
    max_no_improvement: Option<usize>,
    reassignment_ratio: f64,
    init_size: Option<usize>,
    n_init: usize,
    seed: u64,
}

impl MiniBatchKMeansParams {
    /// Defaults with `n_clusters` clusters: `batch_size = 1024`, `max_iter =
    /// 100` epochs, `max_no_improvement = Some(10)`, `reassignment_ratio =
    /// 0.01`, `init_size = 3 × batch_size`, `n_init = 3`, `seed = 0`.
    pub fn new(n_clusters: usize) -> Self {
        MiniBatchKMeansParams {
            n_clusters,
            batch_size: 1024,
            max_iter: 100,
            max_no_improvement: Some(10),
            reassignment_ratio: 0.01,
            init_size: None,
            n_init: 3,
            seed: 0,
        }
    }
    /// Number of clusters.
    pub fn n_clusters(mut self, k: usize) -> Self {
        self.n_clusters = k;
        self
    }
    /// Rows per step.
    pub fn batch_size(mut self, b: usize) -> Self {
        self.batch_size = b;
        self
    }
    /// Maximum passes over the data (`steps = max_iter × n / batch_size`).
    pub fn max_iter(mut self, e: usize) -> Self {
        self.max_iter = e;
        self
    }
    /// Stop after this many steps without improvement of the smoothed batch
    /// inertia; `None` runs all steps.
    pub fn max_no_improvement(mut self, m: Option<usize>) -> Self {
        self.max_no_improvement = m;
        self
    }
    /// Centres whose accumulated weight is below this fraction of the
    /// largest are moved to random batch rows (0 disables).
    pub fn reassignment_ratio(mut self, r: f64) -> Self {
        self.reassignment_ratio = r;
        self
    }
    /// Rows used by each k-means++ initialisation.
    pub fn init_size(mut self, s: usize) -> Self {
        self.init_size = Some(s);
        self
    }
    /// Initialisations tried; the best on a validation sample is kept.
    pub fn n_init(mut self, n: usize) -> Self {
        self.n_init = n;
        self
    }
    /// Seed of every random choice.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }

    fn init_rows(&self, n: usize) -> usize {
        let s = self.init_size.unwrap_or(self.batch_size.saturating_mul(3));
        let s = if s < self.n_clusters { self.n_clusters.saturating_mul(3) } else { s };
        s.min(n)
    }

    /// Runs mini-batch k-means on in-memory records (the [`Fit`] impls call this).
    fn fit_view<F: Float>(&self, x: ArrayView2<'_, F>, sample_weight: Option<ArrayView1<'_, f64>>) -> Result<MiniBatchKMeans<F>> {
        self.check()?;
        check_records("records", x)?;
        let (n, d) = x.dim();
        let w = check_weights(n, sample_weight)?;
        if self.n_clusters > n {
            return Err(SegmentError::TooManyClusters { n_clusters: self.n_clusters, n_samples: n });
        }
        // A batch larger than the data is the data (scikit-learn clamps too),
        // so a huge `batch_size` never sizes an allocation.
        let batch_size = self.batch_size.min(n);
        let n_steps = self
            .max_iter
            .checked_mul(n)
            .map(|v| v.div_ceil(batch_size))
            .ok_or_else(|| CoreError::param("max_iter", format!("max_iter × rows overflows ({} × {n})", self.max_iter)))?;
        let xs = x.as_standard_layout();
        let data = xs.as_slice().expect("standard layout");
        let rows = Rows { data, n, d };
        let mut rng = StdRng::seed_from_u64(self.seed);
        let centres = self.best_init(rows, w.as_deref(), &mut rng);
        let mut model = MiniBatchKMeans::new(self.clone(), centres, rng.next_u64());
        let alpha = (batch_size as f64 * 2.0 / (n as f64 + 1.0)).min(1.0);
        let (mut ewa, mut ewa_min, mut no_improve) = (f64::NAN, f64::INFINITY, 0usize);
        let mut batch = vec![F::zero(); batch_size * d];
        let mut bw = vec![0.0; batch_size];
        for step in 0..n_steps {
            for t in 0..batch_size {
                let i = rng.random_range(0..n);
                batch[t * d..(t + 1) * d].copy_from_slice(rows.row(i));
                bw[t] = w.as_ref().map_or(1.0, |w| w[i]);
            }
            let b = Rows { data: &batch, n: batch_size, d };
            let inertia = model.step(b, w.as_ref().map(|_| &bw[..]));
            model.n_steps += 1;
            if step == 0 {
                continue;
            }
            let bi = inertia / batch_size as f64;
            ewa = if ewa.is_nan() { bi } else { ewa * (1.0 - alpha) + bi * alpha };
            if ewa < ewa_min {
                ewa_min = ewa;
                no_improve = 0;
            } else {
                no_improve += 1;
            }
            if self.max_no_improvement.is_some_and(|m| no_improve >= m) {
                break;
            }
        }
        Ok(model)
    }

    fn best_init<F: Float>(&self, rows: Rows<'_, F>, w: Option<&[f64]>, rng: &mut StdRng) -> Array2<F> {
        let n = rows.n;
        let m = self.init_rows(n);
        let valid: Vec<usize> = (0..m).map(|_| rng.random_range(0..n)).collect();
        let mut best: Option<(f64, Array2<F>)> = None;
        for _ in 0..self.n_init {
            let idx = rand::seq::index::sample(rng, n, m).into_vec();
            let sub = gather(rows, &idx);
            let sw: Option<Vec<f64>> = w.map(|w| idx.iter().map(|&i| w[i]).collect());
            let srows = Rows { data: &sub, n: m, d: rows.d };
            let trials = 2 + (self.n_clusters as f64).ln().floor() as usize;
            let c = init::centres_at(srows, &init::kmeans_plusplus(srows, sw.as_deref(), self.n_clusters, trials, rng));
            let vdata = gather(rows, &valid);
            let vrows = Rows { data: &vdata, n: valid.len(), d: rows.d };
            let vw: Option<Vec<f64>> = w.map(|w| valid.iter().map(|&i| w[i]).collect());
            let mut labels = vec![u32::MAX; valid.len()];
            lloyd::assign(vrows, None, c.view(), &mut labels, false);
            let inertia = lloyd::inertia(vrows, vw.as_deref(), c.view(), &labels);
            if best.as_ref().is_none_or(|b| inertia < b.0) {
                best = Some((inertia, c));
            }
        }
        best.expect("n_init >= 1").1
    }

    /// Starts a streaming model from a first batch (k-means++ on the batch,
    /// then one update with it). Continue with [`MiniBatchKMeans::partial_fit`].
    pub fn partial_fit_start<F: Float, S: Data<Elem = F>>(
        &self,
        batch: &ArrayBase<S, Ix2>,
        sample_weight: Option<ArrayView1<'_, f64>>,
    ) -> Result<MiniBatchKMeans<F>> {
        let batch = batch.view();
        self.check()?;
        check_records("batch", batch)?;
        let (n, d) = batch.dim();
        if self.n_clusters > n {
            return Err(SegmentError::TooManyClusters { n_clusters: self.n_clusters, n_samples: n });
        }
        let w = check_weights(n, sample_weight)?;
        let xs = batch.as_standard_layout();
        let rows = Rows { data: xs.as_slice().expect("standard layout"), n, d };
        let mut rng = StdRng::seed_from_u64(self.seed);
        let trials = 2 + (self.n_clusters as f64).ln().floor() as usize;
        let centres = init::centres_at(rows, &init::kmeans_plusplus(rows, w.as_deref(), self.n_clusters, trials, &mut rng));
        let mut model = MiniBatchKMeans::new(self.clone(), centres, rng.next_u64());
        model.step(rows, w.as_deref());
        model.n_steps += 1;
        Ok(model)
    }
}

impl Params for MiniBatchKMeansParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_clusters", self.n_clusters, 1)?;
        param::at_least("batch_size", self.batch_size, 1)?;
        param::at_least("max_iter", self.max_iter, 1)?;
        param::at_least("n_init", self.n_init, 1)?;
        if let Some(m) = self.max_no_improvement {
            param::at_least("max_no_improvement", m, 1)?;
        }
        if let Some(s) = self.init_size {
            param::at_least("init_size", s, 1)?;
        }
        param::in_closed("reassignment_ratio", self.reassignment_ratio, 0.0, 1.0)
    }
}

impl<F: Float, S: Data<Elem = F>> Fit<ArrayBase<S, Ix2>> for MiniBatchKMeansParams {
    type Model = MiniBatchKMeans<F>;
    type Error = SegmentError;
    /// Runs mini-batch k-means on in-memory records. Errors as
    /// [`KMeansParams::fit_detailed`](crate::KMeansParams::fit_detailed).
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<MiniBatchKMeans<F>> {
        self.fit_view(x.view(), None)
    }
}

/// Fits on a [`Dataset`]'s records and weights; its targets are ignored.
impl<'a, T> Fit<Dataset<'a, T>> for MiniBatchKMeansParams {
    type Model = MiniBatchKMeans<f64>;
    type Error = SegmentError;
    fn fit(&self, data: &Dataset<'a, T>) -> Result<MiniBatchKMeans<f64>> {
        self.fit_view(data.records, data.weights)
    }
}

fn gather<F: Float>(rows: Rows<'_, F>, idx: &[usize]) -> Vec<F> {
    let mut out = Vec::with_capacity(idx.len() * rows.d);
    for &i in idx {
        out.extend_from_slice(rows.row(i));
    }
    out
}

/// A mini-batch k-means model: centres plus the weight each centre has
/// absorbed, so that it can keep learning from new batches.
///
/// Loading from JSON validates the model (parameters, finite centres, one
/// finite non-negative weight per centre).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound = "", try_from = "MiniBatchKMeansRaw<F>")]
pub struct MiniBatchKMeans<F: Float = f64> {
    params: MiniBatchKMeansParams,
    centres: Array2<F>,
    weight_sums: Vec<f64>,
    n_steps: usize,
    since_reassign: usize,
    rng_seed: u64,
}

/// The serialised form of [`MiniBatchKMeans`], checked on load.
#[derive(Deserialize)]
#[serde(bound = "")]
struct MiniBatchKMeansRaw<F: Float> {
    params: MiniBatchKMeansParams,
    centres: Array2<F>,
    weight_sums: Vec<f64>,
    n_steps: usize,
    since_reassign: usize,
    rng_seed: u64,
}

impl<F: Float> TryFrom<MiniBatchKMeansRaw<F>> for MiniBatchKMeans<F> {
    type Error = SegmentError;
    fn try_from(r: MiniBatchKMeansRaw<F>) -> Result<Self> {
        r.params.check()?;
        let (k, d) = r.centres.dim();
        if k != r.params.n_clusters || d == 0 {
            return Err(CoreError::shape(
                "centres",
                format!("{} rows (n_clusters) and at least one column", r.params.n_clusters),
                format!("{k} × {d}"),
            )
            .into());
        }
        if let Some(((row, column), v)) = r.centres.indexed_iter().find(|(_, v)| !v.to_f64().is_finite()) {
            return Err(CoreError::NonFinite { what: "centres".into(), row, column: Some(column), value: v.to_f64() }.into());
        }
        if r.weight_sums.len() != k {
            return Err(
                CoreError::shape("weight_sums", format!("{k} values (one per centre)"), format!("{} values", r.weight_sums.len())).into()
            );
        }
        if let Some((row, &v)) = r.weight_sums.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
            return Err(CoreError::InvalidValue {
                what: "weight_sums".into(),
                row,
                column: None,
                value: v,
                reason: "weights are finite and non-negative".into(),
            }
            .into());
        }
        Ok(MiniBatchKMeans {
            params: r.params,
            centres: r.centres,
            weight_sums: r.weight_sums,
            n_steps: r.n_steps,
            since_reassign: r.since_reassign,
            rng_seed: r.rng_seed,
        })
    }
}

impl MiniBatchKMeans<f64> {
    /// Default parameters with `n_clusters` clusters; see [`MiniBatchKMeansParams`].
    pub fn params(n_clusters: usize) -> MiniBatchKMeansParams {
        MiniBatchKMeansParams::new(n_clusters)
    }
}

impl<F: Float> MiniBatchKMeans<F> {
    fn new(params: MiniBatchKMeansParams, centres: Array2<F>, rng_seed: u64) -> Self {
        let k = centres.nrows();
        MiniBatchKMeans { params, centres, weight_sums: vec![0.0; k], n_steps: 0, since_reassign: 0, rng_seed }
    }

    /// The `k × n_features` centres.
    pub fn centres(&self) -> &Array2<F> {
        &self.centres
    }
    /// Steps (batches) taken so far.
    pub fn n_steps(&self) -> usize {
        self.n_steps
    }
    /// Weight absorbed by each centre so far.
    pub fn weight_sums(&self) -> &[f64] {
        &self.weight_sums
    }

    /// One update with a batch; returns the batch inertia against the
    /// centres before the update.
    fn step(&mut self, b: Rows<'_, F>, w: Option<&[f64]>) -> f64 {
        let (k, d) = self.centres.dim();
        let mut labels = vec![u32::MAX; b.n];
        let part = lloyd::assign_pass(b, w, self.centres.view(), &mut labels, true, true);
        let inertia = part.inertia;
        for j in 0..k {
            let bw = part.weights[j];
            if bw > 0.0 {
                let total = self.weight_sums[j] + bw;
                for t in 0..d {
                    let v = (self.centres[[j, t]].to_f64() * self.weight_sums[j] + part.sums[j * d + t]) / total;
                    self.centres[[j, t]] = F::from_f64(v);
                }
                self.weight_sums[j] = total;
            }
        }
        // Random reassignment of starved centres (scikit-learn's schedule).
        self.since_reassign += b.n;
        let min_w = self.weight_sums.iter().cloned().fold(f64::INFINITY, f64::min);
        if self.params.reassignment_ratio > 0.0 && (min_w == 0.0 || self.since_reassign as f64 >= 10.0 * min_w) {
            self.since_reassign = 0;
            let max_w = self.weight_sums.iter().cloned().fold(0.0, f64::max);
            let starved: Vec<usize> = (0..k).filter(|&j| self.weight_sums[j] < self.params.reassignment_ratio * max_w).collect();
            if !starved.is_empty() && starved.len() < k {
                let mut rng = StdRng::seed_from_u64(self.rng_seed ^ (self.n_steps as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                let take = starved.len().min(b.n);
                let picks = init::random_rows(b.n, w, take, &mut rng as &mut dyn RngCore);
                let keep_min = (0..k).filter(|j| !starved.contains(j)).map(|j| self.weight_sums[j]).fold(f64::INFINITY, f64::min);
                for (&j, &i) in starved.iter().zip(&picks) {
                    for t in 0..d {
                        self.centres[[j, t]] = b.row(i)[t];
                    }
                    self.weight_sums[j] = keep_min;
                }
            }
        }
        inertia
    }

    /// Learns from one more batch (rows × the fitted features).
    pub fn partial_fit<S: Data<Elem = F>>(&mut self, batch: &ArrayBase<S, Ix2>, sample_weight: Option<ArrayView1<'_, f64>>) -> Result<()> {
        let batch = batch.view();
        if batch.ncols() != self.centres.ncols() {
            return Err(CoreError::shape("batch", format!("{} columns", self.centres.ncols()), format!("{} columns", batch.ncols())).into());
        }
        check_records("batch", batch)?;
        let w = check_weights(batch.nrows(), sample_weight)?;
        let xs = batch.as_standard_layout();
        let rows = Rows { data: xs.as_slice().expect("standard layout"), n: batch.nrows(), d: batch.ncols() };
        self.step(rows, w.as_deref());
        self.n_steps += 1;
        Ok(())
    }

    /// Nearest centre of each row.
    fn labels(&self, x: ArrayView2<'_, F>) -> Result<Array1<usize>> {
        if x.ncols() != self.centres.ncols() {
            return Err(CoreError::shape("records", format!("{} columns", self.centres.ncols()), format!("{} columns", x.ncols())).into());
        }
        check_records("records", x)?;
        let xs = x.as_standard_layout();
        let rows = Rows { data: xs.as_slice().expect("standard layout"), n: x.nrows(), d: x.ncols() };
        let mut labels = vec![u32::MAX; rows.n];
        lloyd::assign(rows, None, self.centres.view(), &mut labels, false);
        Ok(labels.into_iter().map(|l| l as usize).collect())
    }

    /// `Σ wᵢ minⱼ ‖xᵢ − cⱼ‖²` over the given rows.
    pub fn score_inertia<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>, sample_weight: Option<ArrayView1<'_, f64>>) -> Result<f64> {
        let x = x.view();
        let w = check_weights(x.nrows(), sample_weight)?;
        let labels = self.labels(x)?;
        let xs = x.as_standard_layout();
        let rows = Rows { data: xs.as_slice().expect("standard layout"), n: x.nrows(), d: x.ncols() };
        let l: Vec<u32> = labels.iter().map(|&v| v as u32).collect();
        Ok(lloyd::inertia(rows, w.as_deref(), self.centres.view(), &l))
    }
}

impl<F: Float, S: ndarray::Data<Elem = F>> Predict<ndarray::ArrayBase<S, ndarray::Ix2>> for MiniBatchKMeans<F> {
    type Output = Array1<usize>;
    type Error = SegmentError;
    fn predict(&self, x: &ndarray::ArrayBase<S, ndarray::Ix2>) -> Result<Array1<usize>> {
        self.labels(x.view())
    }
}
